import type { LinuxResources } from '@gc/cgroups';
import type { Spec } from '../spec.js';
import { assertAllowed } from '../state/status.js';
import type { StoredContainer } from '../state/store.js';
import { validateResources } from '../validate-resources.js';
import type { RuntimeContext } from './context.js';
import { requireCgroup } from './require-cgroup.js';

/**
 * Change the resource limits of a created, running or paused container
 * (runc's `update`): `resources` (OCI linux.resources, only the fields to
 * change) is validated (SpecError naming the field), written to the
 * cgroup, and merged into the record's `config.linux.resources`, so that
 * later commands see the limits in force. As runc: `devices` is left
 * alone (a second device program would be added on v2), and a memory limit
 * of -1 without a swap limit lifts the swap limit too. A setting the cgroup
 * refuses fails the update and nothing is recorded.
 */
export function updateContainer(ctx: RuntimeContext, id: string, resources: LinuxResources): Promise<StoredContainer> {
  const { devices: _devices, ...wanted } = validateResources(resources);
  if (wanted.memory?.limit === -1 && wanted.memory.swap === undefined) {
    wanted.memory = { ...wanted.memory, swap: -1 };
  }
  return ctx.store.update(id, async (record, status) => {
    assertAllowed('update', id, status);
    requireCgroup(ctx, record, 'update').apply(wanted);
    if (record.config === undefined) return record;
    const config: Spec = {
      ...record.config,
      linux: {
        ...record.config.linux,
        resources: mergeResources(record.config.linux?.resources ?? {}, wanted),
      },
    };
    return { ...record, config };
  });
}

/** `current` with what `change` sets: group by group, key by key; hugepage limits by page size. */
export function mergeResources(current: LinuxResources, change: LinuxResources): LinuxResources {
  const out: LinuxResources = { ...current };
  const merge = <K extends 'memory' | 'cpu' | 'blockIO' | 'network' | 'unified' | 'rdma'>(key: K) => {
    if (change[key] !== undefined) out[key] = { ...current[key], ...change[key] } as LinuxResources[K];
  };
  for (const key of ['memory', 'cpu', 'blockIO', 'network', 'unified', 'rdma'] as const) merge(key);
  // 0 is "unset" in the spec: the limit in force stays.
  if (change.pids !== undefined && change.pids.limit !== 0) out.pids = { ...change.pids };
  if (change.hugepageLimits !== undefined) {
    const bySize = new Map((current.hugepageLimits ?? []).map((h) => [h.pageSize, h]));
    for (const h of change.hugepageLimits) bySize.set(h.pageSize, h);
    out.hugepageLimits = [...bySize.values()];
  }
  return out;
}
