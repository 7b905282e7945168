import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { GcError, type Kernel, LOCK_EX, LOCK_NB, LOCK_UN, SyscallError } from '@gc/syscall';

/** How long a lock is waited for before the operation fails: a holder that dies releases it at once. */
export const LOCK_TIMEOUT_MS = 10_000;
/** The longest pause between two tries. */
const MAX_PAUSE_MS = 20;

/** A held lock; `release()` is idempotent. */
export interface HeldLock {
  release(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Take the exclusive flock(2) of the file `path` (made if missing), trying
 * without blocking and waiting in between, so that the event loop runs on.
 * Rejects with ENOENT (a Node error) when the file's directory is gone, and
 * with a GcError naming the file when the lock fails or stays held past
 * `timeoutMs`.
 *
 * A lock taken on a file that was then unlinked or replaced (its container
 * was removed while this waited) is no lock on the path: the inode is
 * compared after the lock, and on a difference it starts over.
 */
export async function lockFile(kernel: Kernel, path: string, timeoutMs = LOCK_TIMEOUT_MS): Promise<HeldLock> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; ) {
    const fd = openSync(path, 'a', 0o600);
    let locked = false;
    try {
      locked = tryLock(kernel, fd, path);
      if (locked && fstatSync(fd).ino === statSync(path).ino) {
        return lockHandle(kernel, fd);
      }
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (locked) kernel.flock(fd, LOCK_UN);
    closeSync(fd);
    if (!locked) {
      if (Date.now() >= deadline) {
        throw new GcError('ESTATELOCK', `lock ${path}: still held by another process after ${timeoutMs} ms`);
      }
      await sleep(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}

/** true if locked, false while another open file holds it. */
function tryLock(kernel: Kernel, fd: number, path: string): boolean {
  try {
    kernel.flock(fd, LOCK_EX | LOCK_NB);
    return true;
  } catch (e) {
    if (SyscallError.isInstance(e) && e.errnoCode === 'EAGAIN') return false;
    throw new GcError('ESTATELOCK', `lock ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Unlocked before the close: a child cloned while the lock was held (a
 * container's init, which waits before its exec) shares the open file, and
 * a close alone would leave the lock with it.
 */
function lockHandle(kernel: Kernel, fd: number): HeldLock {
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      try {
        kernel.flock(fd, LOCK_UN);
      } finally {
        closeSync(fd);
      }
    },
  };
}
