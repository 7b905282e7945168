import { chmodSync, chownSync, closeSync, constants, openSync, read, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { IdMapping } from '@gc/namespaces';
import { AT_FDCWD, F_SETFL, type Kernel, O_CLOEXEC, O_PATH } from '@gc/syscall';
import type { Spec } from './spec.js';

/** The exec fifo's name in a container's state directory (runc's `exec.fifo`). */
export const EXEC_FIFO = 'exec.fifo';

export function execFifoPath(stateDir: string): string {
  return join(stateDir, EXEC_FIFO);
}

/**
 * Make a created container's exec fifo and open it O_PATH for the init (it
 * reopens it for writing through /proc/self/fd: see PlanOptions.execFifo).
 * As runc's: mode 0622 whatever the umask, owned by the host ids of the
 * container's root (`owner`), so that the init can open it for writing
 * after it became its process's user; only the state directory (0700)
 * keeps others out. Returns the fd; the caller closes it once the init is
 * spawned.
 */
export function makeExecFifo(kernel: Kernel, path: string, owner: { uid: number; gid: number }): number {
  kernel.mkfifo(path, 0o622);
  chmodSync(path, 0o622);
  if (owner.uid !== 0 || owner.gid !== 0) chownSync(path, owner.uid, owner.gid);
  return kernel.openat(AT_FDCWD, path, O_PATH | O_CLOEXEC);
}

/** The host uid and gid of a container's root: its user namespace's mapping of 0, or 0. */
export function hostRootIds(spec: Spec): { uid: number; gid: number } {
  const mapped = (maps: readonly IdMapping[] | undefined) => {
    const m = maps?.find((e) => e.containerID <= 0 && 0 < e.containerID + e.size);
    return m === undefined ? 0 : m.hostID - m.containerID;
  };
  const userns = spec.linux?.namespaces?.some((n) => n.type === 'user') ?? false;
  return userns ? { uid: mapped(spec.linux?.uidMappings), gid: mapped(spec.linux?.gidMappings) } : { uid: 0, gid: 0 };
}

/**
 * `start`: open the fifo for reading and read the byte the waiting init
 * writes, which lets it go on to the exec. Opened O_NONBLOCK (an open for
 * reading would block until a writer came), then read blocking on libuv's
 * pool: an init in its open(2) for writing counts as a writer, and the read
 * waits for its byte. EOF means no writer: the init has not reached its
 * open yet (it NOTIFYs create just before), or it died; `alive` tells which,
 * and the read is tried again while it lives, on the same fd (closing it in
 * between could leave an init that opened meanwhile writing to no reader).
 * Resolves false once the init died.
 */
export async function readExecFifo(kernel: Kernel, path: string, alive: () => boolean): Promise<boolean> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | O_CLOEXEC);
  try {
    kernel.fcntl(fd, F_SETFL, 0);
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      if (await readByte(fd)) return true;
      if (!alive()) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  } finally {
    closeSync(fd);
  }
}

function readByte(fd: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    read(fd, Buffer.alloc(1), 0, 1, null, (err, n) => (err ? reject(err) : resolve(n === 1)));
  });
}

/** Remove the fifo once start went through (as runc does); one already gone is fine. */
export function removeExecFifo(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
