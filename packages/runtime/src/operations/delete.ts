import { GcError } from '@gc/syscall';
import { ContainerNotExistError, ContainerStatusError } from '../errors.js';
import type { HookError } from '../hooks/hook-error.js';
import { runHooks } from '../hooks/run-hooks.js';
import { openOwnerPidfd } from '../owner-pidfd.js';
import { ownerIsAlive } from '../process-owner.js';
import { ociState } from '../state/oci-state.js';
import type { ContainerRecord } from '../state/record.js';
import { ALLOWED, type ContainerStatus } from '../state/status.js';
import { type RuntimeContext, recordedCgroup } from './context.js';

export interface DeleteOptions {
  /** Kill a running or paused container first; a container that does not exist is no error (`--force`). */
  force?: boolean;
  /** How long to wait for the killed init to be gone (default 10 s). */
  timeoutMs?: number;
}

/**
 * The OCI `delete`: a stopped container's cgroup and state go. A created one
 * is deleted too (its waiting init is killed: engines delete a container
 * whose start never came); a running or paused one only with `force`, which
 * kills every process of its cgroup first. Then the poststop hooks run;
 * resolves with those that failed (warnings, as the spec says).
 */
export async function deleteContainer(
  ctx: RuntimeContext,
  id: string,
  options: DeleteOptions = {},
): Promise<HookError[]> {
  let loaded: ReturnType<RuntimeContext['store']['load']>;
  try {
    loaded = ctx.store.load(id);
  } catch (e) {
    if (options.force && e instanceof ContainerNotExistError) return [];
    throw e;
  }
  const { status } = loaded;
  if (!options.force && !ALLOWED.delete.includes(status)) {
    throw new ContainerStatusError(id, 'delete', status, ALLOWED.delete);
  }
  // What the record names goes first: a delete that fails half way leaves the record to delete again.
  await destroy(ctx, loaded.record, status, options.timeoutMs ?? 10_000);
  try {
    await ctx.store.remove(id);
  } catch (e) {
    // A concurrent delete won: it runs the poststop hooks.
    if (e instanceof ContainerNotExistError) return [];
    throw e;
  }
  // After the container is gone; a failure is only a warning (the spec).
  const { record } = loaded;
  const poststop = record.config?.hooks?.poststop;
  if (!poststop?.length) return [];
  return runHooks('poststop', poststop, ociState(record, 'stopped'), { cwd: record.bundle });
}

async function destroy(ctx: RuntimeContext, record: ContainerRecord, status: ContainerStatus, timeoutMs: number) {
  const cgroup = recordedCgroup(ctx, record);
  const init = record.init;
  const pidfd = status !== 'stopped' && init ? openOwnerPidfd(ctx.kernel, init) : undefined;
  if (pidfd !== undefined) {
    try {
      ctx.kernel.pidfdSendSignal(pidfd, 'SIGKILL');
    } finally {
      ctx.kernel.close(pidfd);
    }
  }
  const deadline = Date.now() + timeoutMs;
  // Gone before the cgroup is removed: an rmdir while it is still dying
  // fails, and destroy() then freezes, lists and kills the cgroup's
  // processes and tries again, which takes longer than the death itself. A
  // frozen init dies only once destroy() thaws it.
  if (pidfd !== undefined && status !== 'paused') await untilGone(record, init, deadline);
  // destroy() kills whatever else is left in the cgroup (thawing a frozen one) and removes it.
  if (cgroup) await cgroup.destroy();
  await untilGone(record, init, deadline);
}

/** A killed init is gone within a millisecond or two: polled at once, then at growing pauses. */
async function untilGone(record: ContainerRecord, init: ContainerRecord['init'], deadline: number): Promise<void> {
  for (let tries = 0; init && ownerIsAlive(init); tries++) {
    if (Date.now() > deadline) {
      throw new GcError(
        'EDELETE',
        `delete container ${JSON.stringify(record.id)}: its init (pid ${init.pid}) did not die`,
      );
    }
    await new Promise((r) => (tries < 5 ? setImmediate(r) : setTimeout(r, Math.min(tries - 4, 5))));
  }
}
