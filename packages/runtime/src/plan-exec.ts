import { planBoundingSet, planCapabilitySets } from '@gc/capabilities';
import { type CgroupPlacement, planCgroupPlacement } from '@gc/cgroups';
import {
  planDumpable,
  planNoNewPrivs,
  planOomScoreAdj,
  planRlimits,
  planSessionKeyring,
  planUser,
} from '@gc/credentials';
import { type NamespaceType, planNamespaces } from '@gc/namespaces';
import { type FilterCache, planSeccomp } from '@gc/seccomp';
import { CLONE_PARENT, type FdEntry, Program } from '@gc/syscall';
import { planConsole, planNewSession } from './console.js';
import { SpecError } from './errors.js';
import type { Process, Spec } from './spec.js';

const PKG = '@gc/runtime';

export interface ExecPlanOptions {
  /** The container's id: names the session keyring the process joins (`_ses.<id>`, as its init's). */
  containerId: string;
  /** A pidfd (in this process) of the container's init: the process joins its namespaces with one setns. */
  initPidfd: number;
  /** fds the process gets: fd N in it is `stdio[N]` here. Default 0, 1, 2 (`--preserve-fds N` adds 3..). */
  stdio?: readonly number[];
  /** The container's cgroup (`openPlacement()` of its manager): the v1 tasks files the process moves itself with. */
  cgroup?: Pick<CgroupPlacement, 'selfMove'>;
  /** With `process.terminal`: a connected unix socket of this process; the pty master is sent on it. */
  consoleSocket?: number;
  /** Compiled seccomp filters to reuse (`createFileFilterCache`). */
  seccompCache?: FilterCache;
}

export interface ExecPlan {
  program: Program;
  /** The FORK op: its notification carries the exec'd process's pid (a child of the spawner: CLONE_PARENT). */
  forkOp: number;
  /** The exec op: its ENOENT/EACCES is the user's command, not the setup. */
  execOp: number;
  /** The command as the user named it. */
  command: string;
}

/**
 * What the process of an exec gets from the container when it does not say
 * itself, as runc's exec: capabilities and rlimits are the container's
 * unless the process gives its own; user, cwd, env, args and no_new_privs
 * are the process's alone (no user is uid 0, gid 0).
 */
function effectiveProcess(config: Spec, process: Process): Process {
  const container = config.process;
  const capabilities = process.capabilities ?? container?.capabilities;
  const rlimits = process.rlimits?.length ? process.rlimits : container?.rlimits;
  return {
    ...process,
    user: process.user ?? { uid: 0, gid: 0 },
    ...(capabilities ? { capabilities } : {}),
    ...(rlimits?.length ? { rlimits } : {}),
  };
}

/** One entry per name, the last one given winning (runc's prepareEnv): `exec --env A=2` overrides the A of the config. */
function uniqueEnv(env: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    byName.delete(name);
    byName.set(name, entry);
  }
  return [...byName.values()];
}

/**
 * Plan a process exec'd into a running container (runc's setns path:
 * nsexec, then setns_init_linux.go): PR_SET_DUMPABLE 0 first; the init's
 * namespaces joined with one setns by pidfd (user first); a FORK, always
 * (CLONE_PARENT: the process is the spawner's child, into the joined PID
 * namespace, and never the process a reaper of the spawner waits on); then
 * in the new process: the cgroup's v1 moves (its cgroup2 part comes from
 * spawning with `cgroupFd`), the session keyring, a new session, the pty
 * (no /dev/console bind), oom_score_adj, rlimits, the bounding set, the
 * user, the working directory (after the user, so that it is checked with
 * the user's rights, as runc), the other capability sets, no_new_privs and
 * the container's `linux.seccomp` (before the capability drop without
 * no_new_privs, last with it), then execvp. No parent-death signal: a
 * detached exec outlives the runtime.
 */
export function planExec(config: Spec, input: Process, opts: ExecPlanOptions): ExecPlan {
  const args = input.args;
  if (!Array.isArray(args) || args.length === 0 || typeof args[0] !== 'string' || args[0] === '') {
    throw new SpecError('process.args', 'expected a non-empty array of strings, the command first');
  }
  if (typeof input.cwd !== 'string' || !input.cwd.startsWith('/')) {
    throw new SpecError('process.cwd', `expected an absolute path, got ${JSON.stringify(input.cwd)}`);
  }
  const process = effectiveProcess(config, input);
  const command = args[0] as string;
  const namespaceSpecs = config.linux?.namespaces ?? [];
  const types = [...new Set(namespaceSpecs.map((n) => n.type))] as NamespaceType[];
  const userNamespace = types.includes('user');

  const program = new Program();
  const p = program.scope(PKG);
  const stdio = opts.stdio ?? [0, 1, 2];
  program.setFds(stdio.map((source, target): FdEntry => ({ target, source })));

  let forks = false;
  if (types.length > 0) {
    // PR_SET_DUMPABLE 0, the setns, the close of the pidfd; and a FORK after a PID namespace join.
    forks = planNamespaces(program, { namespaces: [], joinProcess: { pidfd: opts.initPidfd, types } }).forks;
  } else {
    planDumpable(program, false);
  }
  // The exec'd process is always a grandchild, as with runc: the spawned
  // child exits at the FORK, and whoever reaps the spawner's orphans (a
  // shim's subreaper) reaps the process once the spawner is gone.
  const forkOp = forks
    ? program.ops.findIndex((op) => op.kind === 'fork')
    : p.fork(BigInt(CLONE_PARENT), 'fork the exec process').index;

  if (opts.cgroup) planCgroupPlacement(program, opts.cgroup);
  // Not the runtime's keyring: the container's own (before seccomp: Docker's profile blocks keyctl).
  planSessionKeyring(program, { containerId: opts.containerId, userNamespace });
  // Out of the caller's session: its terminal can never become the process's.
  planNewSession(p);
  if (process.terminal) {
    if (opts.consoleSocket === undefined) {
      throw new SpecError('process.terminal', 'needs a console socket to send the pty master on (--console-socket)');
    }
    const size = process.consoleSize;
    planConsole(p, { socket: p.keepFd(opts.consoleSocket), bindConsole: false, ...(size ? { size } : {}) });
  } else if (opts.consoleSocket !== undefined) {
    throw new SpecError('process.terminal', 'is not true, so there is no pty to send on the console socket');
  }
  if (process.oomScoreAdj !== undefined) planOomScoreAdj(program, process.oomScoreAdj);

  const capabilities = process.capabilities;
  const seccomp = config.linux?.seccomp;
  const seccompOpts = {
    noNewPrivs: false,
    capabilities: [...(capabilities?.bounding ?? [])],
    ...(opts.seccompCache ? { cache: opts.seccompCache } : {}),
  };
  if (seccomp && !process.noNewPrivileges) planSeccomp(program, seccomp, seccompOpts);
  if (process.rlimits?.length) planRlimits(program, process.rlimits, { inNewUserNamespace: userNamespace });
  if (capabilities) planBoundingSet(program, capabilities);
  planUser(program, process.user as NonNullable<Process['user']>);
  p.syscall('chdir', [process.cwd], `change to the working directory ${process.cwd}`);
  if (capabilities) planCapabilitySets(program, capabilities);
  if (process.noNewPrivileges) planNoNewPrivs(program);
  if (seccomp && process.noNewPrivileges) planSeccomp(program, seccomp, seccompOpts);

  const execOp = program.ops.length;
  p.execvp(command, args, uniqueEnv(process.env ?? []), `exec ${command}`);
  return { program, forkOp, execOp, command };
}
