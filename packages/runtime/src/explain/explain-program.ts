import {
  type Arch,
  CLONE_FLAG_NAMES,
  errnoName,
  flagsToString,
  formatArgs,
  formatCall,
  type OpInfo,
} from '@gc/syscall';
import type { ExplainedPlan } from './plan-explained.js';

/** What each package's ops do, for a reader who has not met them yet. */
export const PACKAGE_ROLES: Readonly<Record<string, string>> = {
  '@gc/syscall': 'the executor itself',
  '@gc/namespaces': 'what the container sees: its own mounts, hostname, network, pids',
  '@gc/cgroups': 'what it may use: join the cgroup that limits memory, cpu, pids',
  '@gc/credentials': 'who it is and what it may ask: uid and gid, limits, keyring',
  '@gc/rootfs': 'its files: the root filesystem, /proc, /dev, masked paths, pivot_root',
  '@gc/capabilities': "which of root's powers it keeps",
  '@gc/seccomp': 'which syscalls it may make',
  '@gc/runtime': 'the runtime: the order of it all, the session, and the exec of the command',
};

/** One op, as `explain --format json` prints it. */
export interface ExplainedOp {
  readonly index: number;
  readonly package: string;
  /** `syscall`, `wait`, `notify`, `fork`, `execvp`, `lookpath`, `store`, `run`, `reexec`. */
  readonly kind: string;
  /** The syscall's name, for `syscall` ops. */
  readonly syscall?: string;
  readonly label: string;
  /** Each argument as `call` writes it: `"proc"`, `MS_NOSUID|MS_NODEV`, `$3` (op 3's result), `NULL`. */
  readonly args: readonly string[];
  /** errnos that do not fail the program. */
  readonly tolerate: readonly string[];
  /** The whole call: `mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)`. */
  readonly call: string;
}

/** The program a start would run, and what the runtime does around it. */
export interface Explanation {
  readonly arch: string;
  /** The container's cgroup (in each hierarchy), made and limited before the clone. */
  readonly cgroup: string;
  /** The flags of the clone3 that makes the child: its new namespaces. */
  readonly cloneFlags: readonly string[];
  /** The child is cloned into its cgroup (CLONE_INTO_CGROUP, cgroup v2). */
  readonly intoCgroup: boolean;
  /** The child's fds after the prologue: fd `target` is what `source` names. */
  readonly fds: readonly { readonly target: number; readonly source: string }[];
  readonly ops: readonly ExplainedOp[];
}

const STDIO = ["gocontainer's stdin", "gocontainer's stdout", "gocontainer's stderr"];

/** The plan as data: what `explain --format json` prints. */
export function explainPlan(explained: ExplainedPlan): Explanation {
  const { program, cloneFlags } = explained.plan;
  const flags = flagsToString(cloneFlags, CLONE_FLAG_NAMES);
  return {
    arch: program.arch,
    cgroup: explained.cgroupPath,
    cloneFlags: cloneFlags === 0n ? [] : flags.split('|'),
    intoCgroup: explained.intoCgroup,
    fds: program.fds.map(({ target, source }) => ({
      target,
      source: explained.fds.name(source) ?? STDIO[source] ?? `gocontainer's fd ${source}`,
    })),
    ops: program.ops.map((op) => explainOp(op, program.arch)),
  };
}

function explainOp(op: OpInfo, arch: Arch): ExplainedOp {
  return {
    index: op.index,
    package: op.pkg,
    kind: op.kind,
    ...(op.syscall === undefined ? {} : { syscall: op.syscall }),
    label: op.label,
    args: formatArgs(op, arch),
    tolerate: op.tolerate.map(errnoName),
    call: formatCall({ ...op, tolerate: [] }, arch),
  };
}
