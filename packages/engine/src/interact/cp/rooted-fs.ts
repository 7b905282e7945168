import { type BigIntStats, fstatSync, readdirSync, readlinkSync } from 'node:fs';
import {
  AT_FDCWD,
  GcError,
  type Kernel,
  O_CLOEXEC,
  O_DIRECTORY,
  O_NOFOLLOW,
  O_PATH,
  RESOLVE_BENEATH,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS,
  SyscallError,
} from '@gc/syscall';

/** What `cp` reads and writes below: a directory fd and how paths resolve from it. */
export interface RootedFs {
  readonly kernel: Kernel;
  /** Where it is, for messages (`container abc:`, or empty for the host). */
  readonly label: string;
  /**
   * Open `path` (relative to the root; an absolute one too) with `flags`:
   * in a container, openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so
   * `..` and every symlink stay inside its root; on the host, as any path.
   */
  open(path: string, flags: number, mode?: number): number;
  close(): void;
}

/** The container's root at `rootPath` (`/proc/PID/root`): every path resolved inside it. */
export function containerFs(kernel: Kernel, rootPath: string, label: string): RootedFs {
  const root = kernel.openat(AT_FDCWD, rootPath, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return {
    kernel,
    label,
    open: (path, flags, mode) =>
      kernel.openat2(root, path === '' ? '.' : path, {
        flags: flags | O_CLOEXEC,
        ...(mode === undefined ? {} : { mode }),
        resolve: RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
      }),
    close: () => kernel.close(root),
  };
}

/** The host's files: paths as the caller names them. */
export function hostFs(kernel: Kernel): RootedFs {
  return {
    kernel,
    label: '',
    open: (path, flags, mode) => kernel.openat(AT_FDCWD, path === '' ? '.' : path, flags | O_CLOEXEC, mode ?? 0),
    close: () => undefined,
  };
}

/**
 * A name in a directory whose fd is pinned: `name` is one component (no
 * `/`, not `.` or `..`), never followed if it is a symlink.
 */
export function openChild(kernel: Kernel, dirFd: number, name: string, flags: number, mode?: number): number {
  return kernel.openat2(dirFd, name, {
    flags: flags | O_NOFOLLOW | O_CLOEXEC,
    ...(mode === undefined ? {} : { mode }),
    resolve: RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
  });
}

/** fstat of an fd (an O_PATH one too), with the times in nanoseconds. */
export function statFd(fd: number): BigIntStats {
  return fstatSync(fd, { bigint: true });
}

/** The names in the directory `dirFd` (readdir of the pinned directory itself). */
export function listDir(dirFd: number): string[] {
  return readdirSync(`/proc/self/fd/${dirFd}`);
}

/** The target of the symlink `name` in the directory `dirFd`. */
export function readLinkAt(dirFd: number, name: string): string {
  return readlinkSync(`/proc/self/fd/${dirFd}/${name}`);
}

/** undefined for ENOENT (and ENOTDIR: a file where a directory was named), else rethrows. */
export function missing<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (SyscallError.isInstance(e) && (e.errnoCode === 'ENOENT' || e.errnoCode === 'ENOTDIR')) return undefined;
    throw e;
  }
}

/** A failed step of `cp`, naming the path (and the container) and the errno. */
export function cpError(fs: RootedFs, step: string, path: string, cause: unknown): GcError {
  const where = fs.label === '' ? path : `${fs.label}:${path}`;
  const why = SyscallError.isInstance(cause) ? (cause.errnoCode ?? cause.message) : (cause as Error).message;
  return new GcError('ENGINE_CP', `cp: ${step} ${where}: ${why}`, { cause });
}
