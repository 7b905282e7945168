import { closeSync, constants, openSync, read, unlink } from 'node:fs';
import { join } from 'node:path';
import { AT_FDCWD, F_SETFL, type Kernel, O_CLOEXEC, O_PATH } from '@gc/syscall';

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

/**
 * `start`: open the fifo for reading and read the byte the waiting init
 * writes, which lets it go on to the exec. Resolves false when no init
 * waits on it (it died: no writer, so the read sees EOF at once). Opened
 * O_NONBLOCK (an open for reading would block until a writer came), then
 * read blocking on libuv's pool: the init is already in its open(2) for
 * writing, which counts as a writer before it returns.
 */
export function readExecFifo(kernel: Kernel, path: string): Promise<boolean> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | O_CLOEXEC);
  try {
    kernel.fcntl(fd, F_SETFL, 0);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return new Promise((resolve, reject) => {
    read(fd, Buffer.alloc(1), 0, 1, null, (err, n) => {
      closeSync(fd);
      if (err) reject(err);
      else resolve(n === 1);
    });
  });
}

/** Remove the fifo once start went through (as runc does); one already gone is fine. */
export function removeExecFifo(path: string): Promise<void> {
  return new Promise((resolve, reject) => unlink(path, (e) => (e && e.code !== 'ENOENT' ? reject(e) : resolve())));
}
