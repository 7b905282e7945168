import { GcError } from '@gc/syscall';
import { openOwnerPidfd } from '../owner-pidfd.js';
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
    await signalCgroup(ctx, record, signal);
    return;
  }
  signalInit(ctx, record, signal);
}

function signalInit(ctx: RuntimeContext, record: ContainerRecord, signal: NodeJS.Signals | number): void {
  const { kernel } = ctx;
  const init = record.init;
  if (!init) throw new GcError('ESRCH', `kill container ${JSON.stringify(record.id)}: it has no init yet`);
  const pidfd = openOwnerPidfd(kernel, init);
  if (pidfd === undefined) throw notRunning(record.id);
  try {
    kernel.pidfdSendSignal(pidfd, signal);
  } finally {
    kernel.close(pidfd);
  }
}

/**
 * Every process of the cgroup, frozen while it is listed and signalled (as
 * runc's signalAllProcesses): a frozen process can neither exit, so that its
 * pid is reused, nor fork one that would be missed. Each through a pidfd.
 * A cgroup frozen before (a paused container) stays frozen.
 */
async function signalCgroup(ctx: RuntimeContext, record: ContainerRecord, signal: NodeJS.Signals | number) {
  const { kernel } = ctx;
  const cgroup = recordedCgroup(ctx, record);
  if (!cgroup) throw notRunning(record.id);
  const wasFrozen = cgroup.frozen();
  let froze = false;
  if (!wasFrozen) {
    try {
      await cgroup.freeze();
      froze = true;
    } catch {
      // No freezer here: signalled as they run.
    }
  }
  try {
    for (const pid of cgroup.pids()) {
      let pidfd: number;
      try {
        pidfd = kernel.pidfdOpen(pid);
      } catch {
        continue; // gone meanwhile
      }
      try {
        kernel.pidfdSendSignal(pidfd, signal);
      } finally {
        kernel.close(pidfd);
      }
    }
  } finally {
    if (froze) await cgroup.thaw();
  }
}

function notRunning(id: string): GcError {
  return new GcError('ENOTRUNNING', `kill container ${JSON.stringify(id)}: container not running`);
}
