import { join } from 'node:path';
import { createKernel, type Kernel } from '@gc/syscall';
import { CgroupDir } from './cgroup-dir.js';
import { type CgroupFs, nodeCgroupFs } from './cgroup-fs.js';
import { cpuStatsV2 } from './controllers/cpu.js';
import { isFrozenV2, setFrozenV2 } from './controllers/freezer.js';
import { CONTROLLERS } from './controllers/index.js';
import { ioStatsV2 } from './controllers/io.js';
import { memoryStatsV2, oomKilledV2 } from './controllers/memory.js';
import { pidsStats } from './controllers/pids.js';
import { applyUnified } from './controllers/unified.js';
import { CgroupError, unsupported } from './errors.js';
import { joinAbsolute } from './join-path.js';
import {
  type CgroupManager,
  type CgroupPlacement,
  DEFAULT_TIMEOUT_MS,
  defaultKillProcess,
  type ManagerOptions,
} from './manager.js';
import { sleep, until } from './poll.js';
import type { LinuxResources } from './resources.js';
import type { CgroupStats, CgroupStatsPart } from './stats.js';
import { chain, missingParents, mkdirChain, removeParents, removeTree, rmdirIfEmpty, tagParents } from './tree.js';

export interface V2ManagerOptions extends ManagerOptions {
  /** The cgroup2 mount point (`/sys/fs/cgroup`). */
  root: string;
}

/** Controllers a cgroup has, from its cgroup.controllers. */
export function enabledControllers(dir: CgroupDir): Set<string> {
  return new Set((dir.readIfExists('cgroup.controllers') ?? '').split(/\s+/).filter(Boolean));
}

/**
 * Give each ancestor's children every controller the ancestor has, so the
 * cgroup can be limited and measured (runc and crun do the same). One write
 * per controller: one that cannot be enabled (a parent with processes of its
 * own, a threaded subtree) is left out here and named by `apply` if needed.
 */
export function enableSubtreeControllers(ancestors: readonly CgroupDir[], only?: ReadonlySet<string>): void {
  for (const dir of ancestors) {
    const available = enabledControllers(dir);
    const on = new Set((dir.readIfExists('cgroup.subtree_control') ?? '').split(/\s+/).filter(Boolean));
    for (const c of available) {
      if (on.has(c) || (only && !only.has(c))) continue;
      try {
        dir.write('cgroup.subtree_control', `+${c}`);
      } catch {
        // Reported by apply() with the field that needed it.
      }
    }
  }
}

/** Apply every controller's settings to one v2 cgroup (shared by the v2 and hybrid drivers). */
export function applyV2(
  dir: CgroupDir,
  r: LinuxResources,
  where: string,
  kernel: () => Kernel,
  onV1?: ReadonlySet<string>,
  enabled: ReadonlySet<string> = enabledControllers(dir),
): void {
  for (const c of CONTROLLERS) {
    if (c.v1 && onV1?.has(c.v1)) continue;
    const fields = c.fields(r);
    if (fields.length === 0) continue;
    const field = fields[0] as string;
    if (!c.applyV2) throw unsupported(field, `cgroup v2 has no ${c.v1} controller`);
    // (devices has no controller file: its eBPF program needs none.)
    if (c.v2 && !enabled.has(c.v2)) throw unsupported(field, `the ${c.v2} controller is not available ${where}`);
    c.applyV2(dir, r, kernel);
  }
}

/** cgroup v2 (unified hierarchy): one directory, every controller in it. */
export class CgroupV2Manager implements CgroupManager {
  readonly driver = 'v2' as const;
  readonly path: string;
  readonly dirs: Readonly<Record<string, string>>;
  readonly #root: string;
  readonly #fs: CgroupFs;
  readonly #timeoutMs: number;
  readonly #kill: (pid: number) => void;
  readonly #dir: CgroupDir;
  readonly #kernel: () => Kernel;
  #created: string[] = [];
  /** madeParents: tagged by destroy(), so that the last container in them removes them, whichever it is. */
  readonly #adopted: readonly string[];

  constructor(options: V2ManagerOptions) {
    this.path = options.path;
    this.#root = options.root;
    this.#fs = options.fs ?? nodeCgroupFs;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#kill = options.killProcess ?? defaultKillProcess;
    this.#kernel = () => options.kernel ?? createKernel();
    this.#dir = new CgroupDir(joinAbsolute(this.#root, this.path), 2, this.#fs);
    this.#created = [...(options.madeParents ?? [])];
    this.#adopted = options.madeParents ?? [];
    this.dirs = { unified: this.#dir.path };
  }

  create(): void {
    const ancestors = chain(this.#fs, this.#root, this.path, 2).slice(0, -1);
    // Controllers must be on in a parent before its child cgroup exists for them to show up in it.
    const created = mkdirChain(this.#fs, this.#root, this.path);
    this.#created.push(...created);
    enableSubtreeControllers(ancestors);
  }

  apply(resources: LinuxResources): void {
    const where = `in ${this.path} (not enabled in its parent's cgroup.subtree_control)`;
    const enabled = enabledControllers(this.#dir);
    applyV2(this.#dir, resources, where, this.#kernel, undefined, enabled);
    applyUnified(this.#dir, resources, enabled, where);
  }

  async join(pid: number): Promise<void> {
    // After CLONE_INTO_CGROUP the process is in already. The write would move
    // nothing and still wait for an RCU grace period (the lock it takes), so
    // it is left out when the cgroup lists the pid and has no child cgroup
    // (where threads of the process could be, which the write would move back).
    if (this.#dir.procs().includes(pid) && this.#fs.subdirs(this.#dir.path).length === 0) return;
    await this.#dir.writeAsync('cgroup.procs', pid);
  }

  openDirFd(): number {
    return this.#fs.openDir(this.#dir.path);
  }

  /** The child starts inside (CLONE_INTO_CGROUP): nothing to move. */
  openPlacement(): CgroupPlacement {
    return { cloneInto: this.openDirFd(), selfMove: [] };
  }

  pids(): number[] {
    const out: number[] = [];
    const walk = (dir: CgroupDir) => {
      out.push(...dir.procs());
      for (const sub of this.#fs.subdirs(dir.path)) walk(new CgroupDir(join(dir.path, sub), 2, this.#fs));
    };
    if (this.#fs.exists(this.#dir.path)) walk(this.#dir);
    return out;
  }

  stats(parts?: readonly CgroupStatsPart[]): CgroupStats {
    const d = this.#dir;
    const want = (part: CgroupStatsPart, file: string) => (parts === undefined || parts.includes(part)) && d.has(file);
    return {
      ...(want('memory', 'memory.current') ? { memory: memoryStatsV2(d) } : {}),
      ...(want('cpu', 'cpu.stat') ? { cpu: cpuStatsV2(d) } : {}),
      ...(want('pids', 'pids.current') ? { pids: pidsStats(d) } : {}),
      ...(want('io', 'io.stat') ? { io: ioStatsV2(d) } : {}),
    };
  }

  oomKilled(): boolean {
    return oomKilledV2(this.#dir);
  }

  freeze(): Promise<void> {
    return setFrozenV2(this.#dir, true, this.#timeoutMs);
  }

  thaw(): Promise<void> {
    return setFrozenV2(this.#dir, false, this.#timeoutMs);
  }

  frozen(): boolean {
    return isFrozenV2(this.#dir);
  }

  async killAll(): Promise<void> {
    if (!this.#fs.exists(this.#dir.path)) return;
    if (this.#dir.has('cgroup.kill')) {
      // Linux 5.14+: the kernel kills the whole subtree, forks included.
      this.#dir.write('cgroup.kill', 1);
    } else {
      await killByPid(this, this.#timeoutMs, true, this.#kill);
    }
    await until(`kill the processes of ${this.#dir.path}`, this.#timeoutMs, () => this.pids().length === 0);
  }

  missingParents(): string[] {
    return missingParents(this.#fs, this.#root, this.path);
  }

  async destroy(): Promise<void> {
    // Empty (the usual case, after its processes exited): one rmdir. Else, as always: kill, then remove leaf first.
    if (!rmdirIfEmpty(this.#fs, this.#dir.path)) {
      if (this.#fs.exists(this.#dir.path) && this.pids().length > 0) await this.killAll();
      await removeTree(this.#fs, this.#dir.path, Date.now() + this.#timeoutMs);
    }
    tagParents(this.#fs, this.#adopted);
    removeParents(this.#fs, this.#root, this.path, this.#created);
    this.#created = [];
  }
}

/**
 * Without cgroup.kill (v1, v2 before 5.14): freeze so nothing forks, SIGKILL
 * every pid, thaw so the signals land; again until the cgroup is empty.
 */
export async function killByPid(
  manager: Pick<CgroupManager, 'pids' | 'freeze' | 'thaw'>,
  timeoutMs: number,
  canFreeze: boolean,
  kill: (pid: number) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (canFreeze) await manager.freeze();
    const pids = manager.pids();
    for (const pid of pids) kill(pid);
    if (canFreeze) await manager.thaw();
    if (pids.length === 0) return;
    if (Date.now() > deadline) {
      throw new CgroupError(
        'ETIMEDOUT',
        `kill the processes of the cgroup: ${pids.join(' ')} still there after ${timeoutMs} ms`,
      );
    }
    await sleep(5);
  }
}
