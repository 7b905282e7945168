import { GcError, type Kernel } from '@gc/syscall';
import { ENGINE_NOT_RUNNING } from '../../operations/errors.js';
import type { ContainerRecord } from '../../store/container-record.js';
import type { ContainerStore } from '../../store/container-store.js';
import { runningInit } from '../running-init.js';
import { containerFs, type RootedFs } from './rooted-fs.js';

/**
 * The root filesystem of a running engine container, as its processes see
 * it (`/proc/PID/root` of its init: the overlay and every mount inside),
 * for `cp`. The init is checked again once the root is open, so a pid
 * reused meanwhile cannot give another process's root. A stopped container
 * is refused: its overlay is assembled only while it runs.
 */
export function openContainerFs(
  store: ContainerStore,
  kernel: Kernel,
  ref: string,
): { record: ContainerRecord; fs: RootedFs } {
  const record = store.find(ref);
  let init: ReturnType<typeof runningInit>;
  try {
    init = runningInit(record, store.readState(record.id));
  } catch (e) {
    if (GcError.isInstance(e) && e.code === ENGINE_NOT_RUNNING) {
      throw new GcError(
        ENGINE_NOT_RUNNING,
        `container ${record.id} is not running: cp needs its root filesystem, which is assembled only while it runs (start it first)`,
        { cause: e },
      );
    }
    throw e;
  }
  const fs = containerFs(kernel, `/proc/${init.pid}/root`, ref);
  try {
    runningInit(record, store.readState(record.id));
  } catch (e) {
    fs.close();
    throw e;
  }
  return { record, fs };
}
