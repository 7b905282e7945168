import { GcError } from '@gc/syscall';
import type { ContainerRecord } from '../store/container-record.js';
import { containerCgroup, containerNow, type EngineContext } from './engine-context.js';
import { ENGINE_NOT_PAUSED, ENGINE_PAUSED, notRunning } from './errors.js';

/** `docker pause`: freeze every process of the container's cgroup; resolves once they are frozen. */
export async function pauseContainer(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  const now = containerNow(ctx, record);
  if (!now.state.running) throw notRunning(record.name);
  if (now.state.paused) throw new GcError(ENGINE_PAUSED, `container ${record.name} is already paused`);
  const cgroup = containerCgroup(ctx, record, now.file);
  try {
    await cgroup.freeze();
  } catch (e) {
    // Half frozen (a timeout) is no state to leave a container in.
    await cgroup.thaw().catch(() => undefined);
    throw e;
  }
}

/** `docker unpause`. */
export async function unpauseContainer(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  const now = containerNow(ctx, record);
  if (!now.state.paused) throw new GcError(ENGINE_NOT_PAUSED, `container ${record.name} is not paused`);
  await containerCgroup(ctx, record, now.file).thaw();
}
