import { closeSync, openSync } from 'node:fs';
import { GcError, type Kernel, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, SyscallError } from '@gc/syscall';
import { EIMAGE_LOCKED } from './errors.js';

/** A held lock; `release()` is idempotent. */
export interface HeldLock {
  release(): void;
}

export interface LockOptions {
  /** A shared lock (LOCK_SH) rather than an exclusive one. */
  shared?: boolean;
  /** How long to wait for another holder; Infinity waits as long as it holds (a dead holder releases at once). */
  timeoutMs: number;
  /** What the lock guards, for the error when the wait runs out. */
  what: string;
}

/** The longest pause between two tries. */
const MAX_PAUSE_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * flock(2) the file `path` (made if missing), trying without blocking and
 * waiting on a timer in between, so that the event loop runs on. flock
 * locks belong to the open file, so two callers in one process exclude each
 * other as two processes do. The store's lock files are removed only by
 * prune, under the exclusive content lock that every other taker of them
 * holds shared: no one can be waiting on a file that is then unlinked.
 */
export async function lockFile(kernel: Kernel, path: string, options: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + options.timeoutMs;
  const operation = (options.shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  const fd = openSync(path, 'a', 0o600);
  try {
    for (let pause = 1; !tryLock(kernel, fd, operation, options.what); pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
      if (Date.now() >= deadline) {
        throw new GcError(
          EIMAGE_LOCKED,
          `${options.what}: still in use by another process after ${options.timeoutMs} ms (${path})`,
        );
      }
      await sleep(pause);
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return lockHandle(kernel, fd);
}

/** The lock taken now if free, without waiting: undefined while another holds it. */
export function tryLockFile(kernel: Kernel, path: string, what: string): HeldLock | undefined {
  const fd = openSync(path, 'a', 0o600);
  try {
    if (!tryLock(kernel, fd, LOCK_EX | LOCK_NB, what)) {
      closeSync(fd);
      return undefined;
    }
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return lockHandle(kernel, fd);
}

function tryLock(kernel: Kernel, fd: number, operation: number, what: string): boolean {
  try {
    kernel.flock(fd, operation);
    return true;
  } catch (e) {
    if (SyscallError.isInstance(e) && e.errnoCode === 'EAGAIN') return false;
    throw new GcError(EIMAGE_LOCKED, `${what}: flock: ${(e as Error).message}`, { cause: e });
  }
}

/** Unlocked before the close: a child cloned meanwhile shares the open file, and a close alone would leave it the lock. */
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
