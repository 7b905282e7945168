import { assertAllowed } from '../state/status.js';
import type { StoredContainer } from '../state/store.js';
import type { RuntimeContext } from './context.js';
import { requireCgroup } from './require-cgroup.js';

/**
 * Thaw a paused container (runc's `resume`): it is running again, or
 * created if it was paused before its start. Anything else fails with
 * "container not paused".
 */
export function resumeContainer(ctx: RuntimeContext, id: string): Promise<StoredContainer> {
  return ctx.store.update(id, async (record, status) => {
    assertAllowed('resume', id, status);
    await requireCgroup(ctx, record, 'resume').thaw();
    return { ...record, status: record.started === undefined ? 'created' : 'running' };
  });
}
