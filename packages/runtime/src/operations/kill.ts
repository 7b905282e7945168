import { GcError } from '@gc/syscall';
import { ownerIsAlive } from '../process-owner.js';
import type { ContainerRecord } from '../state/record.js';
import { assertAllowed } from '../state/status.js';
import { type RuntimeContext, recordedCgroup } from './context.js';

export interface KillOptions {
  /** Every process of the container's cgroup, not only the init (`--all`). */
  all?: boolean;
}

/**
 * The OCI `kill`: a signal to the container's init, through a pidfd opened
 * only after its start time was checked (a reused pid is never signalled),
 * or with `all` to every process in its cgroup. A stopped container fails
 * with "container not running" (engines match on it).
 */
export async function killContainer(
  ctx: RuntimeContext,
  id: string,
  signal: NodeJS.Signals | number = 'SIGTERM',
  options: KillOptions = {},
): Promise<void> {
  const { record, status } = ctx.store.load(id);
  assertAllowed('kill', id, status);
  if (options.all) {
    signalCgroup(ctx, record, signal);
    return;
  }
  signalInit(ctx, record, signal);
}

function signalInit(ctx: RuntimeContext, record: ContainerRecord, signal: NodeJS.Signals | number): void {
  const { kernel } = ctx;
  const init = record.init;
  if (!init) throw new GcError('ESRCH', `kill container ${JSON.stringify(record.id)}: it has no init yet`);
  let pidfd: number;
  try {
    pidfd = kernel.pidfdOpen(init.pid);
  } catch (e) {
    throw notRunning(record.id, e);
  }
  try {
    // The pidfd pins the process: checked after the open, the start time says it is still the init.
    if (!ownerIsAlive(init)) throw notRunning(record.id);
    kernel.pidfdSendSignal(pidfd, signal);
  } finally {
    kernel.close(pidfd);
  }
}

function signalCgroup(ctx: RuntimeContext, record: ContainerRecord, signal: NodeJS.Signals | number): void {
  const cgroup = recordedCgroup(ctx, record);
  if (!cgroup) throw notRunning(record.id);
  for (const pid of cgroup.pids()) {
    try {
      process.kill(pid, signal);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
}

function notRunning(id: string, cause?: unknown): GcError {
  return new GcError('ENOTRUNNING', `kill container ${JSON.stringify(id)}: container not running`, { cause });
}
