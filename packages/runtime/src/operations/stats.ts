import { type RuncStats, toRuncStats } from '../runc-stats.js';
import { assertAllowed } from '../state/status.js';
import type { RuntimeContext } from './context.js';
import { requireCgroup } from './require-cgroup.js';

/** What a created, running or paused container uses now, in runc's shape (`events --stats`). */
export function containerStats(ctx: RuntimeContext, id: string): RuncStats {
  const { record, status } = ctx.store.load(id);
  assertAllowed('events', id, status);
  return toRuncStats(requireCgroup(ctx, record, 'events').stats());
}
