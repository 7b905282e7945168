import {
  AT_FDCWD,
  GcError,
  type Kernel,
  O_CLOEXEC,
  O_DIRECTORY,
  O_NOCTTY,
  O_NONBLOCK,
  O_PATH,
  O_RDONLY,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  SyscallError,
} from '@gc/syscall';

/** /etc/passwd and /etc/group are small; a bigger "file" is a device or an attack. */
export const MAX_ACCOUNT_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The text of `path` inside the root directory `root`, or undefined if it
 * does not exist. The file belongs to the container image, so it is opened
 * with openat2(RESOLVE_IN_ROOT): a symlink (or `..`) in it resolves as it
 * would inside the container and never reaches the host's files. O_NONBLOCK
 * keeps a FIFO from hanging the runtime; the size cap stops /dev/zero.
 */
export function readFileInRoot(kernel: Kernel, root: string, path: string, what: string): string | undefined {
  let rootFd: number;
  try {
    rootFd = kernel.openat(AT_FDCWD, root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  } catch (cause) {
    throw new GcError('EROOT', `${what}: cannot open the container's root ${root}: ${message(cause)}`, { cause });
  }
  try {
    let fd: number;
    try {
      fd = kernel.openat2(rootFd, path, {
        flags: O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
        resolve: RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
      });
    } catch (cause) {
      if (SyscallError.isInstance(cause) && (cause.errnoCode === 'ENOENT' || cause.errnoCode === 'ENOTDIR'))
        return undefined;
      throw new GcError('EROOT', `${what}: cannot open ${path} of the container: ${message(cause)}`, { cause });
    }
    try {
      return readAll(kernel, fd, path, what);
    } finally {
      kernel.close(fd);
    }
  } finally {
    kernel.close(rootFd);
  }
}

function readAll(kernel: Kernel, fd: number, path: string, what: string): string {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const buf = new Uint8Array(64 * 1024);
    let n: number;
    try {
      n = kernel.read(fd, buf);
    } catch (cause) {
      // An empty FIFO opened O_NONBLOCK: nothing to read.
      if (SyscallError.isInstance(cause) && cause.errnoCode === 'EAGAIN') break;
      throw new GcError('EROOT', `${what}: cannot read ${path} of the container: ${message(cause)}`, { cause });
    }
    if (n <= 0) break;
    total += n;
    if (total > MAX_ACCOUNT_FILE_BYTES) {
      throw new GcError('EROOT', `${what}: ${path} of the container is larger than ${MAX_ACCOUNT_FILE_BYTES} bytes`);
    }
    chunks.push(buf.subarray(0, n));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
