import { posix } from 'node:path';
import { GcError } from '@gc/syscall';

/**
 * A path inside the container, normalised: absolute, no `.`/`..`/`//`. `..`
 * cannot climb above `/` here, and the kernel's RESOLVE_IN_ROOT gives the same
 * guarantee for the symlinks we cannot see while planning.
 */
export function containerPath(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new GcError('EROOTFS_PATH', `${field}: expected an absolute path inside the container, got ${show(value)}`);
  }
  if (!value.startsWith('/')) {
    throw new GcError(
      'EROOTFS_PATH',
      `${field}: ${JSON.stringify(value)} is not absolute (paths in the container start with /)`,
    );
  }
  if (value.includes('\0')) throw new GcError('EROOTFS_PATH', `${field}: ${JSON.stringify(value)} contains a NUL byte`);
  const normal = posix.normalize(value);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** `/dev/pts` -> `dev/pts`: the form openat2 takes relative to the root fd. */
export function relative(path: string): string {
  return path === '/' ? '.' : path.slice(1);
}

/** `/a/b/c` -> [`/a`, `/a/b`, `/a/b/c`]. */
export function prefixes(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** Is `path` equal to `dir` or below it? */
export function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : String(value);
}
