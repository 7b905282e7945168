import { assertAllowed } from '../state/status.js';
import type { RuntimeContext } from './context.js';
import { requireCgroup } from './require-cgroup.js';

/**
 * The pids of a container's processes, as the host sees them (runc's `ps`,
 * which engines call with `--format json`): everything in its cgroup, child
 * cgroups included, the init first when it is there.
 */
export function containerProcesses(ctx: RuntimeContext, id: string): number[] {
  const { record, status } = ctx.store.load(id);
  assertAllowed('ps', id, status);
  const pids = requireCgroup(ctx, record, 'ps').pids();
  const init = record.init?.pid;
  return init !== undefined && pids.includes(init) ? [init, ...pids.filter((p) => p !== init)] : pids;
}
