import { closeSync, constants, openSync, readSync, unlink } from 'node:fs';
import { join } from 'node:path';
import { AT_FDCWD, type Kernel, O_CLOEXEC, O_PATH } from '@gc/syscall';

/** The exec fifo's name in a container's state directory (runc's `exec.fifo`). */
export const EXEC_FIFO = 'exec.fifo';

export function execFifoPath(stateDir: string): string {
  return join(stateDir, EXEC_FIFO);
}

/**
 * Make a created container's exec fifo and open it O_PATH for the init (it
 * reopens it for writing through /proc/self/fd: see PlanOptions.execFifo).
 * Returns the fd; the caller closes it once the init is spawned.
 */
export function makeExecFifo(kernel: Kernel, path: string): number {
  kernel.mkfifo(path, 0o622);
  return kernel.openat(AT_FDCWD, path, O_PATH | O_CLOEXEC);
}

/** The longest pause between two reads of the exec fifo while its init is not there yet. */
const MAX_PAUSE_MS = 5;
/** Tries on the next turn of the event loop before the pauses. */
const SPINS = 20;

/**
 * `start`: open the fifo for reading and read the byte the waiting init
 * writes, which lets it go on to the exec. Resolves false when no init
 * waits on it (`initAlive()` says it died). Opened O_NONBLOCK (an open for
 * reading would block until a writer came, and for ever if the init died)
 * and read without blocking, pausing in between: the init opens the fifo
 * for writing only after it said it was created, so a `start` right after
 * `create` may find no writer yet (EOF) while the init is alive; once it is
 * in its open(2) it counts as a writer (EAGAIN until its byte comes). No
 * kernel call beyond Node's: `gocontainer start` loads no FFI for it.
 */
export async function readExecFifo(path: string, initAlive: () => boolean): Promise<boolean> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | O_CLOEXEC);
  try {
    const byte = Buffer.alloc(1);
    // The first tries at once (the init only has to be scheduled to write), then pausing longer each time.
    for (let tries = 0; ; tries++) {
      try {
        if (readSync(fd, byte, 0, 1, null) === 1) return true;
        // EOF: no writer. Its byte was not read, so the init has not gone on; unless it died, it is still to open.
        if (!initAlive()) return false;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      await new Promise((resolve) =>
        tries < SPINS ? setImmediate(resolve) : setTimeout(resolve, Math.min(tries - SPINS + 1, MAX_PAUSE_MS)),
      );
    }
  } finally {
    closeSync(fd);
  }
}

/** Remove the fifo once start went through (as runc does); one already gone is fine. */
export function removeExecFifo(path: string): Promise<void> {
  return new Promise((resolve, reject) => unlink(path, (e) => (e && e.code !== 'ENOENT' ? reject(e) : resolve())));
}
