import type { Kernel } from '@gc/syscall';
import type { CgroupFs } from './cgroup-fs.js';
import type { CgroupMode } from './layout.js';
import type { LinuxResources } from './resources.js';
import type { CgroupStats, CgroupStatsPart } from './stats.js';

/** A v1 hierarchy's `tasks` file, open for writing, for a new process to move itself with. */
export interface CgroupSelfMove {
  readonly fd: number;
  /** The hierarchy's controllers (`cpu,cpuacct`, `memory`, `name=systemd`), for error messages. */
  readonly hierarchy: string;
}

/**
 * How a new process is put into the cgroup as it starts, without join().
 * The caller closes every fd once the process is spawned.
 */
export interface CgroupPlacement {
  /** A cgroup2 directory fd for clone3's CLONE_INTO_CGROUP (v2 hosts, and the unified hierarchy of hybrid ones). */
  readonly cloneInto: number | undefined;
  /**
   * v1 hosts: each hierarchy's `tasks` file, for the new process to write
   * "0" to, first thing. A thread that moves itself takes no global lock, so
   * it waits out no RCU grace period (a move by another process, as join()
   * makes, does: 7-20 ms here). The kernel checks such writes against the
   * credentials of the opener, so they work from a new user namespace too.
   */
  readonly selfMove: readonly CgroupSelfMove[];
}

/**
 * One container's cgroup, on whatever hierarchies the host has. Errors are
 * `CgroupError` (a setting this host cannot apply, named by its OCI field) or
 * `SyscallError` (a cgroupfs write failed: `write "50M" to .../memory.max: EINVAL`).
 */
export interface CgroupManager {
  readonly driver: CgroupMode;
  /** The cgroup's path inside each hierarchy: `/gocontainer/<id>`. */
  readonly path: string;
  /** Its directory in each hierarchy, by controller (`memory`, `cpu,cpuacct`, `unified`). */
  readonly dirs: Readonly<Record<string, string>>;

  /** mkdir the cgroup (and missing parents) in every hierarchy; enable v2 controllers on the way. Idempotent. */
  create(): void;
  /**
   * Write OCI `linux.resources`; a setting the host cannot apply throws,
   * naming the field. `devices` on v2 loads and attaches an eBPF program: once
   * per cgroup, before processes are placed in it (a second one would be added).
   */
  apply(resources: LinuxResources): void;
  /** Move a process (all its threads) into the cgroup, in every hierarchy. */
  join(pid: number): Promise<void>;
  /** Put a process about to be spawned into the cgroup as it starts (see CgroupPlacement); faster than join(). */
  openPlacement(): CgroupPlacement;
  /**
   * v2 only: a directory fd for `spawn(program, { cgroupFd })` (CLONE_INTO_CGROUP),
   * so the child starts inside. undefined on v1 and hybrid hosts: there, use
   * openPlacement(), or spawn with a WAIT op and call `join(pid)` before
   * releasing the child. The caller closes the fd.
   */
  openDirFd(): number | undefined;
  /** Pids in the cgroup and its child cgroups. */
  pids(): number[];
  /**
   * What the cgroup used. `parts` reads only those (`['memory']`: the memory
   * files alone, as for an exit report); default: every part.
   */
  stats(parts?: readonly CgroupStatsPart[]): CgroupStats;
  /** Did the OOM killer kill a process of this cgroup? (v2 memory.events oom_kill; v1 memory.oom_control) */
  oomKilled(): boolean;
  /** Stop every process (v2 cgroup.freeze; v1 freezer.state); resolves once all are frozen. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /**
   * Is the cgroup frozen (or being frozen), by freeze() or by anyone else
   * (a write to freezer.state or cgroup.freeze, a frozen parent)? false when
   * the cgroup is gone or the host has no freezer.
   */
  frozen(): boolean;
  /** SIGKILL every process; resolves once the cgroup is empty. */
  killAll(): Promise<void>;
  /**
   * Kill what is left, rmdir the cgroup leaf-first in every hierarchy, then
   * its parents while they are empty and were made by a manager (this one,
   * another one: see MADE_PARENT_XATTR, or `madeParents`).
   */
  destroy(): Promise<void>;
  /**
   * The parent directories create() would make now (those missing), in every
   * hierarchy. A process that records them before create() lets a later
   * manager of the cgroup remove them if it is killed in the middle
   * (`madeParents`): a parent is tagged only once made.
   */
  missingParents(): string[];
}

export interface ManagerOptions {
  /** The cgroup path inside the hierarchies (`resolveCgroupPath()` makes one). */
  path: string;
  /** Where cgroupfs is accessed (tests pass a temp-dir double). */
  fs?: CgroupFs;
  /** How long freeze, killAll and destroy may wait (default 10 s). */
  timeoutMs?: number;
  /** How killAll SIGKILLs one pid where the kernel cannot kill a whole cgroup (default `process.kill`). */
  killProcess?: (pid: number) => void;
  /** For what is no cgroupfs file: the v2 device filter's bpf(2) calls (default `createKernel()`). */
  kernel?: Kernel;
  /**
   * Parent directories a manager of this cgroup in a process now dead was
   * making (its `missingParents()`): destroy() removes them too, when empty.
   */
  madeParents?: readonly string[];
}

export function defaultKillProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: it died meanwhile.
  }
}

export const DEFAULT_TIMEOUT_MS = 10_000;
