import { copyFileSync, readFileSync, readlinkSync } from 'node:fs';
import {
  F_ADD_SEALS,
  F_SEAL_GROW,
  F_SEAL_SEAL,
  F_SEAL_SHRINK,
  F_SEAL_WRITE,
  type Kernel,
  MFD_ALLOW_SEALING,
  MFD_CLOEXEC,
} from '@gc/syscall';

/** Per kernel (a FakeKernel's fds are not a real one's), by name. */
const cached = new WeakMap<Kernel, Map<string, number>>();

/**
 * A sealed memfd holding a copy of one of @gc/native's static binaries
 * (gc-init, gc-exec). A container's process runs it by fd (execveat), so its
 * /proc/PID/exe is an unwritable anonymous file rather than a host binary
 * (CVE-2019-5736), and no file is added to the root. Made once per process
 * and shared by every container.
 */
export function sealedBinaryFd(kernel: Kernel, name: string, path: string): number {
  let mine = cached.get(kernel);
  if (mine === undefined) {
    mine = new Map();
    cached.set(kernel, mine);
  }
  const known = mine.get(name);
  if (known !== undefined) return known;
  const fd = kernel.memfdCreate(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  try {
    fill(kernel, fd, name, path);
    kernel.fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  } catch (e) {
    kernel.close(fd);
    throw e;
  }
  mine.set(name, fd);
  return fd;
}

/**
 * The binary into the memfd: copied by the kernel (libuv's copyfile is a
 * sendfile, through the memfd reopened by its /proc/self/fd link), which
 * saves reading the whole file into a buffer and writing it back; where
 * that reopen is not possible (a FakeKernel's fd, which names no memfd of
 * ours here; no /proc), read and written.
 */
function fill(kernel: Kernel, fd: number, name: string, path: string): void {
  const link = `/proc/self/fd/${fd}`;
  if (linkTarget(link) === `/memfd:${name} (deleted)`) {
    try {
      copyFileSync(path, link);
      return;
    } catch {
      // Written below, from the start again.
    }
  }
  const bytes = readFileSync(path);
  for (let off = 0; off < bytes.length; ) off += kernel.write(fd, bytes.subarray(off));
}

function linkTarget(link: string): string | undefined {
  try {
    return readlinkSync(link);
  } catch {
    return undefined;
  }
}
