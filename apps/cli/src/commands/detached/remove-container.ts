import { type ContainerRecord, createContainerStore } from '@gc/engine';
import { sweepRunDirs } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { releaseSweptHold } from '../run/image-hold.js';

/**
 * Remove a container that no longer runs: its run directory and cgroup (a
 * sweep), its image hold, then its directory in the engine's store (record,
 * state, log, upper layer). `rm` of a stopped container, and the monitor's
 * `--rm` at the end (`__remove-container ID`).
 */
export async function removeStoppedContainer(record: ContainerRecord, global: GlobalOptions): Promise<void> {
  await sweepRunDirs({ ...(global.root ? { root: global.root } : {}), beforeRemove: releaseSweptHold });
  if (record.imageId !== undefined) {
    const { openImageStore } = await import('../../image-store.js');
    await openImageStore(global).release(record.id);
  }
  createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {}).remove(record.id);
}

/** `gocontainer __remove-container ID` (internal: the monitor's --rm). */
export async function removeContainerCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  try {
    const [id, ...more] = argv;
    if (id === undefined || more.length > 0) throw new UsageError('__remove-container: expected one container ID');
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
    const record = store.tryFind(id);
    if (record) await removeStoppedContainer(record, global);
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
