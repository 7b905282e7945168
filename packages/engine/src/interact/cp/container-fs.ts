import { release } from 'node:os';
import { join } from 'node:path';
import { overlayFsParams } from '@gc/rootfs';
import { GcError, type Kernel } from '@gc/syscall';
import { tryReadStartFile } from '../../monitor/start-file.js';
import { ENGINE_CONTAINER_RUNNING, ENGINE_NOT_RUNNING, ENGINE_RESTARTING } from '../../operations/errors.js';
import { liveProcess } from '../../status/live-process.js';
import type { ContainerRecord } from '../../store/container-record.js';
import type { ContainerStore } from '../../store/container-store.js';
import { ENGINE_BAD_RECORD } from '../../store/errors.js';
import { lockContainerRoot } from '../../store/root-lock.js';
import { runningInit } from '../running-init.js';
import { containerFs, type RootedFs } from './rooted-fs.js';

/**
 * The root filesystem of an engine container, for `cp`. A running one's as
 * its processes see it (`/proc/PID/root` of its init: the overlay and every
 * mount inside); the init is checked again once the root is open, so a pid
 * reused meanwhile cannot give another process's root. A stopped one's is
 * assembled as its next start would (start.json): its layers and its own
 * upper layer as an overlay mounted detached (Kernel.mountDetached), seen
 * by nothing but this process and gone when `close()` closes it or this
 * process ends; a `--rootfs` container's root is its directory. What is
 * written into a stopped container is there when it starts again, as with
 * `docker cp`.
 */
export function openContainerFs(
  store: ContainerStore,
  kernel: Kernel,
  ref: string,
  options: { forWriting?: boolean } = {},
): { record: ContainerRecord; fs: RootedFs } {
  const record = store.find(ref);
  const state = store.readState(record.id);
  if (state?.status === 'restarting') {
    throw new GcError(
      ENGINE_RESTARTING,
      `container ${record.id} is restarting: wait until it runs (its restart policy starts it again)`,
    );
  }
  let init: ReturnType<typeof runningInit>;
  try {
    init = runningInit(record, state);
  } catch (e) {
    if (GcError.isInstance(e) && e.code === ENGINE_NOT_RUNNING) {
      const stopped = stoppedContainerFs(store, kernel, record, ref, options.forWriting === true);
      // Started while we waited for its lock: its own root, then.
      if (stopped === 'started') {
        const now = runningInit(record, store.readState(record.id));
        return { record, fs: runningContainerFs(store, kernel, record, now, ref) };
      }
      return { record, fs: stopped };
    }
    throw e;
  }
  return { record, fs: runningContainerFs(store, kernel, record, init, ref) };
}

function runningContainerFs(
  store: ContainerStore,
  kernel: Kernel,
  record: ContainerRecord,
  init: ReturnType<typeof runningInit>,
  ref: string,
): RootedFs {
  const fs = containerFs(kernel, `/proc/${init.pid}/root`, ref);
  try {
    runningInit(record, store.readState(record.id));
  } catch (e) {
    fs.close();
    throw e;
  }
  return fs;
}

function stoppedContainerFs(
  store: ContainerStore,
  kernel: Kernel,
  record: ContainerRecord,
  ref: string,
  forWriting: boolean,
): RootedFs | 'started' {
  const dir = store.dir(record.id);
  const lock = lockContainerRoot(kernel, dir);
  try {
    // Under the lock: no start mounts its layers meanwhile, and a monitor alive now is starting it or cleaning up.
    const state = store.readState(record.id);
    if (state?.status === 'running' && liveProcess(state.pid, state.pidStart) !== undefined) {
      lock.release();
      return 'started';
    }
    if (liveProcess(state?.monitorPid, state?.monitorStart) !== undefined) {
      throw new GcError(
        ENGINE_CONTAINER_RUNNING,
        `container ${record.id} is being started or cleaned up by its monitor: try again once it runs or has stopped`,
      );
    }
    return closingAlso(stoppedRoot(kernel, record, dir, ref, forWriting), () => lock.release());
  } catch (e) {
    lock.release();
    throw e;
  }
}

function stoppedRoot(kernel: Kernel, record: ContainerRecord, dir: string, ref: string, forWriting: boolean): RootedFs {
  const start = tryReadStartFile(dir);
  if (start === undefined) {
    throw new GcError(ENGINE_BAD_RECORD, `container ${record.id}: ${dir}/start.json is missing: its root is unknown`);
  }
  const readOnly = start.spec.root?.readonly === true;
  if (start.overlay === undefined) {
    const path = start.spec.root?.path;
    if (path === undefined || !path.startsWith('/')) {
      throw new GcError(ENGINE_BAD_RECORD, `container ${record.id}: start.json names no root directory`);
    }
    if (readOnly && forWriting) {
      throw new GcError('EROFS', `container ${record.id}: its root ${path} is read-only (--read-only)`);
    }
    return containerFs(kernel, path, ref);
  }
  const params = overlayFsParams(
    { lower: [...start.overlay.lower], upper: join(dir, 'upper'), work: join(dir, 'work') },
    release(),
    'start.json overlay',
  );
  const mount = kernel.mountDetached('overlay', params, `the root of the stopped container ${record.id}`, {
    readOnly,
  });
  try {
    return closingAlso(containerFs(kernel, `/proc/self/fd/${mount}`, ref), () => kernel.close(mount));
  } catch (e) {
    kernel.close(mount);
    throw e;
  }
}

/** `fs`, whose close() also lets go of what it stands on (a mount's fd, a lock), however its own close ends. */
function closingAlso(fs: RootedFs, after: () => void): RootedFs {
  return {
    ...fs,
    close: () => {
      try {
        fs.close();
      } finally {
        after();
      }
    },
  };
}
