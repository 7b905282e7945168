import { type CgroupManager, createCgroupManager } from '@gc/cgroups';
import type { Kernel } from '@gc/syscall';
import type { ContainerRecord } from '../state/record.js';
import type { StateStore } from '../state/store.js';

/**
 * What every operation of the OCI runtime works with: the kernel and the
 * state store under `--root`. The CLI makes one per command; a long-running
 * process (the in-process API) keeps one.
 */
export interface RuntimeContext {
  readonly kernel: Kernel;
  readonly store: StateStore;
}

/** The manager of a recorded container's cgroup, or undefined before create made one. */
export function recordedCgroup(ctx: RuntimeContext, record: ContainerRecord): CgroupManager | undefined {
  if (record.cgroup === undefined) return undefined;
  return createCgroupManager({ id: record.id, cgroupsPath: record.cgroup, kernel: ctx.kernel });
}
