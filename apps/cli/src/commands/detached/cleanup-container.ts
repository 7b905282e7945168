import { sweepRunDirs } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { releaseSweptHold } from '../run/image-hold.js';

/**
 * `gocontainer __cleanup-container ID` (internal, run by the monitor once it
 * reaped the init): what the container's life used on the host goes (its
 * cgroup, its run directory), through the sweep, which removes exactly the
 * run directories whose owner (here the init, now reaped) is gone. The
 * container's own directory (record, log, upper layer) stays until rm.
 */
export async function cleanupContainerCommand(_argv: readonly string[], global: GlobalOptions): Promise<number> {
  await sweepRunDirs({ ...(global.root ? { root: global.root } : {}), beforeRemove: releaseSweptHold });
  return 0;
}
