import { ownerIsAlive } from '@gc/runtime';
import { GcError, signalNumber } from '@gc/syscall';
import type { ContainerStateFile } from '../store/container-record.js';
import { type EngineContext, kernelOf } from './engine-context.js';
import { ENGINE_BAD_SIGNAL } from './errors.js';

/** `-s SIGNAL` as Docker takes it: `KILL`, `SIGKILL`, `kill`, `9`. */
export function parseSignal(text: string, flag = '--signal'): number {
  try {
    return signalNumber(text);
  } catch {
    throw new GcError(
      ENGINE_BAD_SIGNAL,
      `${flag}: expected a signal name (TERM, SIGKILL) or number (1-64), got ${JSON.stringify(text)}`,
    );
  }
}

/**
 * Signal the container's init, by a pidfd opened and then checked to be
 * that process (pid and start time): a recycled pid gets nothing. false when
 * the init is gone.
 */
export function signalInit(ctx: EngineContext, file: ContainerStateFile | undefined, signal: number): boolean {
  if (!file || file.pid <= 0) return false;
  const kernel = kernelOf(ctx);
  let pidfd: number;
  try {
    pidfd = kernel.pidfdOpen(file.pid);
  } catch {
    return false; // ESRCH: gone
  }
  try {
    if (file.pidStart !== undefined && !ownerIsAlive({ pid: file.pid, start: file.pidStart })) return false;
    kernel.pidfdSendSignal(pidfd, signal);
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ESRCH' || /ESRCH/.test((e as Error).message)) return false;
    throw e;
  } finally {
    kernel.close(pidfd);
  }
}
