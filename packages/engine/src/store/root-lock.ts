import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { type Kernel, LOCK_EX } from '@gc/syscall';

/** A held lock; `release()` may be called again. */
export interface HeldRootLock {
  release(): void;
}

/**
 * The lock of a container's root layers (`root.lock` in its directory),
 * held while something has them mounted outside a running container's own
 * mount: the starter while it starts the container, `cp` while a stopped
 * container's overlay is mounted for it. Two overlays of one upper layer
 * at once are undefined behaviour in overlayfs; so each waits for the other.
 */
export function lockContainerRoot(kernel: Kernel, dir: string): HeldRootLock {
  const fd = openSync(join(dir, 'root.lock'), 'a', 0o600);
  try {
    kernel.flock(fd, LOCK_EX);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      closeSync(fd);
    },
  };
}
