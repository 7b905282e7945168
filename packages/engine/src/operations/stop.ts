import { constants } from 'node:os';
import { GcError } from '@gc/syscall';
import type { ContainerRecord } from '../store/container-record.js';
import { type ContainerNow, containerCgroup, containerNow, type EngineContext, waitFor } from './engine-context.js';
import { ENGINE_TIMEOUT } from './errors.js';
import { parseSignal, signalInit } from './signal.js';
import { requestStop } from './stop-request.js';

export interface StopOptions {
  /** Seconds to wait after the stop signal before SIGKILL (`-t`); default the container's stopTimeout, else 10. */
  timeoutSeconds?: number;
  /** The first signal (`-s`); default the container's stopSignal, else SIGTERM. */
  signal?: string;
}

export interface StopResult {
  /** The container had to be killed: it did not end in the time given. */
  readonly killed: boolean;
  readonly now: ContainerNow;
}

const gone = (now: ContainerNow) => !now.state.running && !now.state.restarting;

/** How long a SIGKILLed init may take to be gone before stop gives up. */
const KILL_GRACE_MS = 10_000;

/**
 * `docker stop`: tell the monitor a user stops it (no restart), send the
 * stop signal, wait, then SIGKILL the init and whatever is left in its
 * cgroup. A container that does not run is left as it is. A paused one is
 * thawed after the signal, so that the signal is delivered.
 */
export async function stopContainer(
  ctx: EngineContext,
  record: ContainerRecord,
  options: StopOptions = {},
): Promise<StopResult> {
  const signal = parseSignal(options.signal ?? record.config.stopSignal ?? 'SIGTERM', '--signal');
  requestStop(ctx.store, record.id);
  const start = containerNow(ctx, record);
  if (gone(start)) return { killed: false, now: start };
  const seconds = options.timeoutSeconds ?? record.config.stopTimeout ?? 10;
  signalInit(ctx, start.file, signal);
  // A thaw that fails (the container ended meanwhile, its cgroup gone) leaves the SIGKILL below to end it.
  if (start.state.paused)
    await containerCgroup(ctx, record, start.file)
      .thaw()
      .catch(() => undefined);
  const ended = seconds < 0 ? await waitFor(ctx, record, gone) : await waitFor(ctx, record, gone, seconds * 1000);
  if (ended) return { killed: false, now: ended };
  await killNow(ctx, record);
  const killed = await waitFor(ctx, record, gone, KILL_GRACE_MS);
  if (!killed) {
    throw new GcError(ENGINE_TIMEOUT, `stop ${record.name}: the container did not end after SIGKILL`);
  }
  return { killed: true, now: killed };
}

/** SIGKILL the init and every process of the container's cgroup (an exec'd one, a daemon it started). */
export async function killNow(ctx: EngineContext, record: ContainerRecord): Promise<void> {
  const { file } = containerNow(ctx, record);
  signalInit(ctx, file, constants.signals.SIGKILL);
  try {
    await containerCgroup(ctx, record, file).killAll();
  } catch {
    // no cgroup (never made, or gone with the init): the init's SIGKILL is all there is
  }
}
