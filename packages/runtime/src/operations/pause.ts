import { assertAllowed } from '../state/status.js';
import type { StoredContainer } from '../state/store.js';
import type { RuntimeContext } from './context.js';
import { requireCgroup } from './require-cgroup.js';

/**
 * Freeze every process of a created or running container (runc's `pause`)
 * and record it as paused; resolves once all are frozen. Under the
 * container's lock, so that a concurrent pause, resume or delete waits.
 */
export function pauseContainer(ctx: RuntimeContext, id: string): Promise<StoredContainer> {
  return ctx.store.update(id, async (record, status) => {
    assertAllowed('pause', id, status);
    const cgroup = requireCgroup(ctx, record, 'pause');
    try {
      await cgroup.freeze();
    } catch (e) {
      // Half frozen (a timeout) is no state to leave a container in.
      await cgroup.thaw().catch(() => undefined);
      throw e;
    }
    return { ...record, status: 'paused' };
  });
}
