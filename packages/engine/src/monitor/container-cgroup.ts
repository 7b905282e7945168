import { type CgroupManager, createCgroupManager } from '@gc/cgroups';
import type { Kernel } from '@gc/syscall';
import type { StartFile } from './start-file.js';

/**
 * The cgroup each start of a detached container makes, resolved as
 * `startContainer` resolves it (the spec's cgroupsPath, else
 * `--cgroup-parent`/ID): what its cleanup reads (was it OOM killed?) before
 * the cgroup goes.
 */
export function containerCgroup(
  id: string,
  start: Pick<StartFile, 'spec' | 'cgroupParent'>,
  kernel?: Kernel,
): CgroupManager {
  const cgroupsPath = start.spec.linux?.cgroupsPath;
  return createCgroupManager({
    id,
    ...(cgroupsPath ? { cgroupsPath } : {}),
    ...(start.cgroupParent ? { parent: start.cgroupParent } : {}),
    ...(kernel ? { kernel } : {}),
  });
}
