import type { CgroupManager } from '@gc/cgroups';
import { GcError } from '@gc/syscall';
import type { ContainerRecord } from '../state/record.js';
import type { Operation } from '../state/status.js';
import { type RuntimeContext, recordedCgroup } from './context.js';

/**
 * The recorded container's cgroup, for an operation that acts on it (pause,
 * resume, update, ps, events); a record without one is refused, naming the
 * operation.
 */
export function requireCgroup(ctx: RuntimeContext, record: ContainerRecord, operation: Operation): CgroupManager {
  const cgroup = recordedCgroup(ctx, record);
  if (cgroup === undefined) {
    throw new GcError('ENOCGROUP', `cannot ${operation} container ${JSON.stringify(record.id)}: it has no cgroup`);
  }
  return cgroup;
}
