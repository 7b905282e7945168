import {
  type ExitStatus,
  GcError,
  type Kernel,
  type ProcessHandle,
  type SpawnedChild,
  SyscallError,
  shellExitCode,
} from '@gc/syscall';
import { ContainerStartError, ContainerStatusError } from '../errors.js';
import { execHelperFd } from '../init-binary.js';
import { openOwnerPidfd } from '../owner-pidfd.js';
import { writePidFile } from '../pid-file.js';
import { type ExecPlan, type ExecPlanOptions, planExec } from '../plan-exec.js';
import type { Process, Spec } from '../spec.js';
import type { ContainerRecord } from '../state/record.js';
import { ALLOWED, assertAllowed } from '../state/status.js';
import { type RuntimeContext, recordedCgroup } from './context.js';

export interface ExecOptions extends Pick<ExecPlanOptions, 'stdio' | 'consoleSocket' | 'seccompCache'> {
  /**
   * Leave the process to whoever reaps this process's orphans (runc's
   * `--detach`): it is not watched here, so it outlives this process, and
   * once this process is gone it is reparented to the nearest subreaper
   * (containerd's shim, conmon), which reaps it and reads its exit code.
   * The result then has no `exited`.
   */
  detach?: boolean;
  /** Write the process's pid here once it runs (`--pid-file`, atomically); a failure kills it. */
  pidFile?: string;
}

/** How an exec'd process ended. */
export interface ExecExit {
  status: ExitStatus;
  /** The exit code a shell reports: the code, or 128 + the signal number. */
  exitCode: number;
}

/** A process exec'd into a container, watched by this process. */
export interface ExecProcess {
  /** Its pid, as the host sees it. */
  readonly pid: number;
  /** Resolves once it exited and was reaped. */
  readonly exited: Promise<ExecExit>;
  kill(signal?: NodeJS.Signals | number): void;
}

/** A process exec'd with `detach`: nobody here watches it. */
export interface DetachedExecProcess {
  readonly pid: number;
}

/**
 * Run a process in a created or running container (OCI `exec`, runc's
 * `exec`): it joins the init's namespaces by pidfd and the container's
 * cgroup, and takes the process's user, capabilities, no_new_privs,
 * rlimits, cwd and env, and the container's seccomp profile. Resolves once
 * the command runs.
 *
 * Fails with ContainerNotExistError (no such container), ContainerStatusError
 * (`container not running`: stopped, or a status exec is not allowed in),
 * SpecError (a process field), or ContainerStartError: 127 for a command
 * not found (`exec: "x": executable file not found in $PATH`), 126 for one
 * that cannot be run, 125 for a setup step (the message names it). A failure
 * leaves no process behind.
 */
export async function execProcess(
  ctx: RuntimeContext,
  id: string,
  process: Process,
  opts: ExecOptions & { detach: true },
): Promise<DetachedExecProcess>;
export async function execProcess(
  ctx: RuntimeContext,
  id: string,
  process: Process,
  opts?: ExecOptions & { detach?: false },
): Promise<ExecProcess>;
export async function execProcess(
  ctx: RuntimeContext,
  id: string,
  process: Process,
  opts: ExecOptions = {},
): Promise<ExecProcess | DetachedExecProcess> {
  const { kernel } = ctx;
  const { record, status } = ctx.store.load(id);
  assertAllowed('exec', id, status);
  const config = record.config;
  if (config === undefined) {
    throw new GcError('ENOCONFIG', `container ${JSON.stringify(id)} has no recorded config.json to exec with`);
  }
  const { plan, child } = spawnExec(ctx, record, config, process, opts);
  let pid: number | undefined;
  let handle: ProcessHandle | undefined;
  try {
    pid = await forkedPid(child, plan.forkOp);
    // Watched from here unless detached: a failed exec must not stay a zombie of ours.
    if (!opts.detach) handle = kernel.attach(pid);
    await child.started;
    if (opts.pidFile !== undefined) writePidFile(opts.pidFile, pid);
  } catch (e) {
    child.kill('SIGKILL');
    if (pid !== undefined) {
      handle ??= kernel.attach(pid);
      handle.kill('SIGKILL');
    }
    await Promise.all([child.exited, handle?.exited]);
    throw execError(e, plan);
  }
  if (opts.detach || handle === undefined) return { pid };
  const watched = handle;
  return {
    pid,
    exited: watched.exited.then((status) => ({ status, exitCode: shellExitCode(status) })),
    kill: (signal) => watched.kill(signal),
  };
}

/** Plan the exec and spawn it; the pidfd and the cgroup fds are closed once the child has its copies. */
function spawnExec(
  ctx: RuntimeContext,
  record: ContainerRecord,
  config: Spec,
  process: Process,
  opts: ExecOptions,
): { plan: ExecPlan; child: SpawnedChild } {
  const { kernel } = ctx;
  const initPidfd = openInit(kernel, record);
  try {
    const placement = recordedCgroup(ctx, record)?.openPlacement();
    try {
      const plan = planExec(config, process, {
        containerId: record.id,
        initPidfd,
        ...(placement ? { cgroup: placement } : {}),
        ...(opts.stdio ? { stdio: opts.stdio } : {}),
        ...(opts.consoleSocket !== undefined ? { consoleSocket: opts.consoleSocket } : {}),
        ...(opts.seccompCache ? { seccompCache: opts.seccompCache } : {}),
      });
      // Straight into gc-exec, without a copy of this process (see SpawnOptions.executor).
      const child = kernel.spawn(plan.program, {
        executor: execHelperFd(kernel),
        ...(placement?.cloneInto !== undefined ? { cgroupFd: placement.cloneInto } : {}),
      });
      return { plan, child };
    } finally {
      if (placement?.cloneInto !== undefined) kernel.close(placement.cloneInto);
      for (const { fd } of placement?.selfMove ?? []) kernel.close(fd);
    }
  } finally {
    kernel.close(initPidfd);
  }
}

/** A pidfd of the container's init, checked to be that process (openOwnerPidfd). */
function openInit(kernel: Kernel, record: ContainerRecord): number {
  const pidfd = record.init === undefined ? undefined : openOwnerPidfd(kernel, record.init);
  if (pidfd === undefined) throw new ContainerStatusError(record.id, 'exec', 'stopped', ALLOWED.exec);
  return pidfd;
}

/** The pid the FORK op reports: the exec'd process. A child that failed before it rejects with its op's error. */
async function forkedPid(child: SpawnedChild, forkOp: number): Promise<number> {
  let notification: Awaited<ReturnType<SpawnedChild['nextNotification']>>;
  try {
    notification = await child.nextNotification();
  } catch (e) {
    // The sync socket closed first: the program failed before the FORK, and `started` says where.
    await child.started;
    throw e;
  }
  if (notification.op !== forkOp) {
    throw new GcError(
      'EUNEXPECTED_NOTIFICATION',
      `exec: expected the notification of the FORK (op ${forkOp}), got op ${notification.op} (${notification.label})`,
    );
  }
  return Number(notification.value);
}

/** runc's texts for a command that cannot be run: engines match "executable file not found". */
function execError(e: unknown, plan: ExecPlan): unknown {
  if (!SyscallError.isInstance(e) || e.op !== plan.execOp) {
    return SyscallError.isInstance(e) ? new ContainerStartError(e.code, e.message, 125, e) : e;
  }
  const command = JSON.stringify(plan.command);
  if (e.errnoCode === 'ENOENT' || e.errnoCode === 'ENOTDIR') {
    const what = plan.command.includes('/') ? 'no such file or directory' : 'executable file not found in $PATH';
    return new ContainerStartError('ENOCMD', `exec: ${command}: ${what}`, 127, e);
  }
  if (e.errnoCode === 'EACCES' || e.errnoCode === 'ENOEXEC' || e.errnoCode === 'EISDIR') {
    return new ContainerStartError('ECMDNOTEXEC', `exec: ${command}: permission denied`, 126, e);
  }
  return new ContainerStartError(e.code, e.message, 125, e);
}
