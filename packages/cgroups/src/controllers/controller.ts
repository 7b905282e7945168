import type { Kernel } from '@gc/syscall';
import type { CgroupDir } from '../cgroup-dir.js';
import type { LinuxResources } from '../resources.js';

/**
 * One cgroup controller: which OCI fields it owns and how it writes them on
 * each cgroup version. The managers find the directory; the controller only
 * writes files in it.
 */
export interface Controller {
  /** The v1 subsystem (`blkio`); undefined when v1 has none. */
  readonly v1: string | undefined;
  /** The v2 controller (`io`); undefined when v2 has none. */
  readonly v2: string | undefined;
  /** The OCI fields of `r` this controller would write (`linux.resources.memory.limit`); empty: nothing to do. */
  fields(r: LinuxResources): string[];
  /** Write the settings into a v1 cgroup; absent: v1 cannot do it. */
  applyV1?(dir: CgroupDir, r: LinuxResources): void;
  /**
   * Write the settings into a v2 cgroup; absent: v2 cannot do it. `kernel`
   * is for what is no file (the devices controller's eBPF program).
   */
  applyV2?(dir: CgroupDir, r: LinuxResources, kernel: () => Kernel): void;
}

/** `linux.resources.<group>.<key>` for every key of `obj` that is set. */
export function setFields(group: string, obj: object | undefined): string[] {
  if (!obj) return [];
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k]) => `linux.resources.${group}.${k}`);
}
