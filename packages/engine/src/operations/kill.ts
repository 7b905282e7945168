import type { ContainerRecord } from '../store/container-record.js';
import { containerCgroup, containerNow, type EngineContext } from './engine-context.js';
import { notRunning } from './errors.js';
import { parseSignal, signalInit } from './signal.js';
import { requestStop } from './stop-request.js';

/**
 * `docker kill`: the signal (default SIGKILL) to the container's init. A
 * container that does not run is an error, as Docker's. A paused one is
 * thawed after a SIGKILL, so that it can die; other signals wait for
 * unpause, as with Docker.
 */
export async function killContainer(ctx: EngineContext, record: ContainerRecord, signal = 'SIGKILL'): Promise<void> {
  const number = parseSignal(signal);
  const now = containerNow(ctx, record);
  if (!now.state.running) throw notRunning(record.name);
  requestStop(ctx.store, record.id);
  if (!signalInit(ctx, now.file, number)) throw notRunning(record.name);
  if (number === 9 && now.state.paused)
    await containerCgroup(ctx, record, now.file)
      .thaw()
      .catch(() => undefined);
}
