import {
  createKernel,
  type ExitStatus,
  type Kernel,
  type ProcessHandle,
  SyscallError,
  shellExitCode,
} from '@gc/syscall';
import { ContainerStartError } from './errors.js';
import { initBinaryFd } from './init-binary.js';
import { type PlanOptions, planContainer } from './plan-container.js';
import type { Spec } from './spec.js';

export interface RunOptions extends Omit<PlanOptions, 'initFd'> {
  /** Put gc-init in front of the command (as `docker run --init`). */
  init?: boolean;
  kernel?: Kernel;
}

export interface ContainerExit {
  status: ExitStatus;
  /** The exit code a shell reports: the code, or 128 + the signal number. */
  exitCode: number;
}

/** A container whose process runs. */
export interface RunningContainer {
  /** The container's PID 1, as the host sees it. */
  readonly pid: number;
  /** Resolves when PID 1 exited; the namespaces and mounts die with it. */
  readonly exited: Promise<ContainerExit>;
  kill(signal?: NodeJS.Signals | number): void;
}

/**
 * Start a container from an OCI spec and return once its command runs. A
 * failure before the exec is a ContainerStartError with the exit code a shell
 * user expects (127 not found, 126 not executable, 125 setup), and leaves no
 * process behind: mounts lived in the container's own mount namespace.
 */
export async function startContainer(spec: Spec, opts: RunOptions = {}): Promise<RunningContainer> {
  const kernel = opts.kernel ?? createKernel();
  const plan = planContainer(spec, {
    ...opts,
    ...(opts.init ? { initFd: initBinaryFd(kernel) } : {}),
  });
  const child = kernel.spawn(plan.program, { cloneFlags: plan.cloneFlags });
  let process: ProcessHandle = child;
  try {
    process = await plan.namespaces.afterSpawn(child, kernel);
    await child.started;
  } catch (e) {
    child.kill('SIGKILL');
    process.kill('SIGKILL');
    await Promise.all([child.exited, process.exited]);
    throw startError(e, plan.execOp, plan.command);
  }
  return {
    pid: process.pid,
    exited: process.exited.then((status) => ({ status, exitCode: shellExitCode(status) })),
    kill: (signal) => process.kill(signal),
  };
}

function startError(e: unknown, execOp: number, command: string): unknown {
  if (!SyscallError.isInstance(e)) return e;
  if (e.op === execOp && (e.errnoCode === 'ENOENT' || e.errnoCode === 'ENOTDIR')) {
    const what = command.includes('/') ? 'no such file or directory' : 'executable file not found in $PATH';
    return new ContainerStartError('ENOCMD', `${what}: ${command}`, 127, e);
  }
  if (e.op === execOp && (e.errnoCode === 'EACCES' || e.errnoCode === 'ENOEXEC' || e.errnoCode === 'EISDIR')) {
    return new ContainerStartError('ECMDNOTEXEC', `permission denied: ${command} cannot be executed`, 126, e);
  }
  return new ContainerStartError(e.code, e.message, 125, e);
}
