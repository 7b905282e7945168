import { writeSync } from 'node:fs';
import { containerCgroup, createContainerStore } from '@gc/engine';
import { sweepRunDirs } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { releaseSweptHold } from '../run/image-hold.js';

/**
 * `gocontainer __cleanup-container ID` (internal, run by the monitor once it
 * reaped the init): says `oom 1` on fd $GC_REPORT_FD when the kernel's OOM
 * killer ended a process of the container, then what the container's life
 * used on the host goes (its cgroup, its run directory), through the sweep,
 * which removes exactly the run directories whose owner (here the init, now
 * reaped) is gone. The container's own directory (record, log, upper layer)
 * stays until rm.
 */
export async function cleanupContainerCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  const [id] = argv;
  const reportFd = Number(process.env.GC_REPORT_FD ?? '-1');
  try {
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
    const record = id === undefined ? undefined : store.tryFind(id);
    if (record && reportFd >= 0) {
      const oom = containerCgroup({ store }, record).oomKilled();
      writeSync(reportFd, `oom ${oom ? 1 : 0}\n`);
    }
  } catch {
    // No cgroup (it never started), or no record: nothing to tell.
  }
  await sweepRunDirs({ ...(global.root ? { root: global.root } : {}), beforeRemove: releaseSweptHold });
  return 0;
}
