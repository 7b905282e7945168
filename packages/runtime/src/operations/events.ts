import { GcError } from '@gc/syscall';
import { type ContainerEvent, toRuncStats } from '../runc-stats.js';
import { assertAllowed } from '../state/status.js';
import type { RuntimeContext } from './context.js';
import { requireCgroup } from './require-cgroup.js';

export interface EventsOptions {
  /** Milliseconds between two stats events (default 5000, runc's). */
  interval?: number;
  /** How often the OOM counter is read, in milliseconds (default 200). */
  oomPoll?: number;
  /** Ends the stream. */
  signal?: AbortSignal;
}

/** runc's default `--interval`. */
export const DEFAULT_EVENTS_INTERVAL_MS = 5000;

/**
 * A container's events (runc's `events` without `--stats`): an `oom` event
 * each time the OOM killer fires in its cgroup, and its stats every
 * interval (the first one interval in). The stream ends when the container
 * stops, is deleted, or the signal aborts.
 */
export async function* containerEvents(
  ctx: RuntimeContext,
  id: string,
  options: EventsOptions = {},
): AsyncGenerator<ContainerEvent, void, undefined> {
  const interval = options.interval ?? DEFAULT_EVENTS_INTERVAL_MS;
  if (!(interval > 0)) throw new GcError('EINVALIDINTERVAL', `events: the interval must be above 0, got ${interval}`);
  const poll = Math.min(options.oomPoll ?? 200, interval);
  const { record, status } = ctx.store.load(id);
  assertAllowed('events', id, status);
  const cgroup = requireCgroup(ctx, record, 'events');
  const ooms = () => cgroup.stats(['memory']).memory?.events.oom ?? 0;
  let seen = ooms();
  let due = Date.now() + interval;
  for (;;) {
    if (!(await sleep(Math.max(0, Math.min(poll, due - Date.now())), options.signal))) return;
    for (const count = ooms(); seen < count; seen++) yield { type: 'oom', id };
    if (!running(ctx, id)) return;
    if (Date.now() >= due) {
      due += interval;
      yield { type: 'stats', id, data: toRuncStats(cgroup.stats()) };
    }
  }
}

function running(ctx: RuntimeContext, id: string): boolean {
  try {
    return ctx.store.load(id).status !== 'stopped';
  } catch (e) {
    if (GcError.isInstance(e) && e.code === 'ENOCONTAINER') return false;
    throw e;
  }
}

/** false when the signal aborted the wait (or had already). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
