import { createCgroupManager } from '@gc/cgroups';
import type { Kernel } from '@gc/syscall';
import type { ContainerRecord } from '../state/record.js';

/**
 * The state store's `frozen` hook (`createStateStore({ frozen:
 * cgroupFrozen(kernel) })`): is the recorded container's cgroup frozen, by
 * `pause` or by anyone else (a write to freezer.state or cgroup.freeze)?
 * undefined for a record without a cgroup, and when the cgroup cannot be
 * read: then the recorded status stands.
 */
export function cgroupFrozen(kernel: Kernel): (record: ContainerRecord) => boolean | undefined {
  return (record) => {
    if (record.cgroup === undefined) return undefined;
    try {
      return createCgroupManager({ id: record.id, cgroupsPath: record.cgroup, kernel }).frozen();
    } catch {
      return undefined;
    }
  };
}
