import { join } from 'node:path';
import { createKernel, type Kernel } from '@gc/syscall';
import { CgroupDir } from './cgroup-dir.js';
import { type CgroupFs, nodeCgroupFs } from './cgroup-fs.js';
import { cpuStatsV1 } from './controllers/cpu.js';
import { initCpusetV1 } from './controllers/cpuset.js';
import { freezeV1, isFrozenV1, isFrozenV2, setFrozenV2, thawV1 } from './controllers/freezer.js';
import { CONTROLLERS } from './controllers/index.js';
import { ioStatsV1 } from './controllers/io.js';
import { memoryStatsV1, oomKilledV1 } from './controllers/memory.js';
import { pidsStats } from './controllers/pids.js';
import { applyUnified } from './controllers/unified.js';
import { CgroupError, fsError, unsupported } from './errors.js';
import { joinAbsolute } from './join-path.js';
import {
  type CgroupManager,
  type CgroupPlacement,
  type CgroupSelfMove,
  DEFAULT_TIMEOUT_MS,
  defaultKillProcess,
  type ManagerOptions,
} from './manager.js';
import type { LinuxResources } from './resources.js';
import type { CgroupStats, CgroupStatsPart } from './stats.js';
import { chain, missingParents, mkdirChain, removeParents, removeTree, rmdirIfEmpty, tagParents } from './tree.js';
import { applyV2, enabledControllers, enableSubtreeControllers, killByPid } from './v2-manager.js';

export interface V1ManagerOptions extends ManagerOptions {
  /** v1 controller (`memory`, `name=systemd`) -> its hierarchy's mount point; co-mounted ones share it. */
  hierarchies: Readonly<Record<string, string>>;
}

/**
 * cgroup v1: one hierarchy per mounted controller (or group of co-mounted
 * ones); the cgroup is a directory of the same path in each.
 */
export class CgroupV1Manager implements CgroupManager {
  readonly driver: 'v1' | 'hybrid' = 'v1';
  readonly path: string;
  readonly dirs: Readonly<Record<string, string>>;
  protected readonly fs: CgroupFs;
  protected readonly timeoutMs: number;
  readonly #kill: (pid: number) => void;
  readonly #kernel: () => Kernel;
  /** mount point -> controllers mounted there. */
  readonly #mounts = new Map<string, string[]>();
  /** controller -> its CgroupDir. */
  readonly #byController = new Map<string, CgroupDir>();
  /** The cgroup2 mount of a hybrid host. */
  protected readonly unified: CgroupDir | undefined;
  readonly #unifiedRoot: string | undefined;
  /** The cgroup's directory in each hierarchy: one per v1 mount, in mount order, then the cgroup2 one. */
  readonly #leaves: readonly CgroupDir[];
  #created: string[] = [];
  /** madeParents: tagged by destroy(), so that the last container in them removes them, whichever it is. */
  readonly #adopted: readonly string[];

  constructor(options: V1ManagerOptions, unifiedRoot?: string) {
    this.path = options.path;
    this.fs = options.fs ?? nodeCgroupFs;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#kill = options.killProcess ?? defaultKillProcess;
    this.#kernel = () => options.kernel ?? createKernel();
    this.#created = [...(options.madeParents ?? [])];
    this.#adopted = options.madeParents ?? [];
    /** mount point -> the cgroup's directory there, shared by the controllers mounted together. */
    const byMount = new Map<string, CgroupDir>();
    for (const [controller, mount] of Object.entries(options.hierarchies)) {
      let dir = byMount.get(mount);
      if (dir === undefined) {
        dir = new CgroupDir(joinAbsolute(mount, this.path), 1, this.fs);
        byMount.set(mount, dir);
        this.#mounts.set(mount, [controller]);
      } else {
        this.#mounts.get(mount)?.push(controller);
      }
      this.#byController.set(controller, dir);
    }
    if (this.#mounts.size === 0) throw new CgroupError('ENOCGROUPS', 'no cgroup v1 hierarchy given');
    this.#unifiedRoot = unifiedRoot;
    this.unified =
      unifiedRoot === undefined ? undefined : new CgroupDir(joinAbsolute(unifiedRoot, this.path), 2, this.fs);
    const dirs: Record<string, string> = {};
    for (const [mount, dir] of byMount) dirs[(this.#mounts.get(mount) as string[]).join(',')] = dir.path;
    if (this.unified) dirs.unified = this.unified.path;
    this.dirs = dirs;
    this.#leaves = this.unified ? [...byMount.values(), this.unified] : [...byMount.values()];
  }

  protected dir(controller: string): CgroupDir | undefined {
    return this.#byController.get(controller);
  }

  create(): void {
    for (const [mount, controllers] of this.#mounts) {
      const created = mkdirChain(this.fs, mount, this.path);
      this.#created.push(...created);
      if (controllers.includes('cpuset')) {
        initCpusetV1(chain(this.fs, mount, this.path, 1), (dir) => created.includes(dir.path));
      }
    }
    // The process joins the unified hierarchy too, so tools reading its cgroup2 path find the container.
    if (this.#unifiedRoot !== undefined) this.#created.push(...mkdirChain(this.fs, this.#unifiedRoot, this.path));
  }

  apply(resources: LinuxResources): void {
    const onV1 = new Set(this.#byController.keys());
    for (const c of CONTROLLERS) {
      const fields = c.fields(resources);
      if (fields.length === 0) continue;
      const dir = c.v1 ? this.#byController.get(c.v1) : undefined;
      if (dir && c.applyV1) c.applyV1(dir, resources);
      else if (!this.unified || !c.v2) {
        throw unsupported(fields[0] as string, `no ${c.v1 ?? c.v2} cgroup hierarchy is mounted`);
      }
    }
    if (this.unified) this.#applyUnifiedPart(resources, onV1);
    else if (Object.keys(resources.unified ?? {}).length > 0) {
      throw unsupported('linux.resources.unified', 'a cgroup v1 host has no cgroup v2 files');
    }
  }

  /** Hybrid: what v1 does not mount (hugetlb here, say) goes to the cgroup2 mount. */
  #applyUnifiedPart(resources: LinuxResources, onV1: ReadonlySet<string>): void {
    const unified = this.unified as CgroupDir;
    const wanted = new Set<string>();
    for (const c of CONTROLLERS) {
      if (c.v2 && !(c.v1 && onV1.has(c.v1)) && c.fields(resources).length > 0) wanted.add(c.v2);
    }
    for (const key of Object.keys(resources.unified ?? {})) wanted.add(key.slice(0, key.indexOf('.')));
    // Nothing for the cgroup2 mount (the usual case): nothing there to read or write.
    if (wanted.size === 0) return;
    // Only what is asked for: the hybrid host's cgroup2 root is shared with everything else.
    enableSubtreeControllers(chain(this.fs, this.#unifiedRoot as string, this.path, 2).slice(0, -1), wanted);
    const enabled = enabledControllers(unified);
    const where = `on this host's cgroup v2 mount (it has: ${[...enabled].join(' ') || 'none'})`;
    applyV2(unified, resources, where, this.#kernel, onV1, enabled);
    applyUnified(unified, resources, enabled, where);
  }

  async join(pid: number): Promise<void> {
    await Promise.all(this.#leaves.map((dir) => dir.writeAsync('cgroup.procs', pid)));
  }

  openPlacement(): CgroupPlacement {
    const selfMove: CgroupSelfMove[] = [];
    let cloneInto: number | undefined;
    try {
      for (const controllers of this.#mounts.values()) {
        const tasks = (this.#byController.get(controllers[0] as string) as CgroupDir).file('tasks');
        try {
          selfMove.push({ fd: this.fs.openWrite(tasks), hierarchy: controllers.join(',') });
        } catch (e) {
          throw fsError(e, 'open', `open ${tasks}`, tasks);
        }
      }
      if (this.unified) cloneInto = this.fs.openDir(this.unified.path);
    } catch (e) {
      for (const { fd } of selfMove) this.fs.close(fd);
      throw e;
    }
    return { cloneInto, selfMove };
  }

  /** CLONE_INTO_CGROUP places a child in the v2 hierarchy only: v1 needs join() or openPlacement(). */
  openDirFd(): undefined {
    return undefined;
  }

  pids(): number[] {
    const out = new Set<number>();
    const walk = (dir: CgroupDir) => {
      for (const pid of dir.procs()) out.add(pid);
      for (const sub of this.fs.subdirs(dir.path)) walk(new CgroupDir(join(dir.path, sub), dir.version, this.fs));
    };
    for (const dir of this.#leaves) if (this.fs.exists(dir.path)) walk(dir);
    return [...out];
  }

  stats(parts?: readonly CgroupStatsPart[]): CgroupStats {
    const want = (part: CgroupStatsPart) => parts === undefined || parts.includes(part);
    const memory = want('memory') ? this.dir('memory') : undefined;
    const cpu = want('cpu') ? this.dir('cpu') : undefined;
    const cpuacct = want('cpu') ? this.dir('cpuacct') : undefined;
    const pids = want('pids') ? this.dir('pids') : undefined;
    const blkio = want('io') ? this.dir('blkio') : undefined;
    return {
      ...(memory ? { memory: memoryStatsV1(memory) } : {}),
      ...(cpu || cpuacct ? { cpu: cpuStatsV1(cpu, cpuacct) } : {}),
      ...(pids ? { pids: pidsStats(pids) } : {}),
      ...(blkio ? { io: ioStatsV1(blkio) } : {}),
    };
  }

  oomKilled(): boolean {
    const memory = this.dir('memory');
    return memory ? oomKilledV1(memory) : false;
  }

  #freezer(): { v1: CgroupDir } | { v2: CgroupDir } | undefined {
    const v1 = this.dir('freezer');
    if (v1) return { v1 };
    if (this.unified?.has('cgroup.freeze')) return { v2: this.unified };
    return undefined;
  }

  async freeze(): Promise<void> {
    const f = this.#freezer();
    if (!f) throw new CgroupError('EUNSUPPORTED', `freeze ${this.path}: no freezer cgroup hierarchy is mounted`);
    if ('v1' in f) await freezeV1(f.v1, this.timeoutMs);
    else await setFrozenV2(f.v2, true, this.timeoutMs);
  }

  async thaw(): Promise<void> {
    const f = this.#freezer();
    if (!f) throw new CgroupError('EUNSUPPORTED', `thaw ${this.path}: no freezer cgroup hierarchy is mounted`);
    if ('v1' in f) await thawV1(f.v1, this.timeoutMs);
    else await setFrozenV2(f.v2, false, this.timeoutMs);
  }

  frozen(): boolean {
    const f = this.#freezer();
    if (!f) return false;
    return 'v1' in f ? isFrozenV1(f.v1) : isFrozenV2(f.v2);
  }

  async killAll(): Promise<void> {
    const canFreeze = this.#freezer() !== undefined && this.#leaves.every((d) => this.fs.exists(d.path));
    await killByPid(this, this.timeoutMs, canFreeze, this.#kill);
  }

  missingParents(): string[] {
    const roots = [...this.#mounts.keys(), ...(this.#unifiedRoot === undefined ? [] : [this.#unifiedRoot])];
    return roots.flatMap((root) => missingParents(this.fs, root, this.path));
  }

  async destroy(): Promise<void> {
    // After its processes exited (the usual case) the cgroup is empty, and one
    // rmdir per hierarchy removes it: no pids to read. A hierarchy still
    // holding a process or a child cgroup refuses (EBUSY), and from there on it
    // goes as it always did: kill what is left, then remove leaf first. A
    // process still running is in every hierarchy (join(), or its own moves
    // after openPlacement(), put it in all; its children inherit them), so
    // then the first rmdir refuses: nothing is removed before the kill.
    const leaves = this.#leaves.map((d) => d.path);
    let i = 0;
    while (i < leaves.length && rmdirIfEmpty(this.fs, leaves[i] as string)) i++;
    if (i < leaves.length) {
      if (this.pids().length > 0) await this.killAll();
      const deadline = Date.now() + this.timeoutMs;
      for (const dir of leaves.slice(i)) await removeTree(this.fs, dir, deadline);
    }
    tagParents(this.fs, this.#adopted);
    for (const mount of this.#mounts.keys()) removeParents(this.fs, mount, this.path, this.#created);
    if (this.#unifiedRoot !== undefined) removeParents(this.fs, this.#unifiedRoot, this.path, this.#created);
    this.#created = [];
  }
}

export interface HybridManagerOptions extends V1ManagerOptions {
  /** The cgroup2 mount point (`/sys/fs/cgroup/unified`). */
  unified: string;
}

/**
 * A hybrid host: v1 controllers plus a cgroup2 mount holding the rest (or
 * none). Settings go to v1 where v1 has the controller, else to the cgroup2
 * cgroup; processes join both.
 */
export class CgroupHybridManager extends CgroupV1Manager {
  override readonly driver = 'hybrid' as const;

  constructor(options: HybridManagerOptions) {
    super(options, options.unified);
  }
}
