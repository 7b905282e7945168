import { resolve } from 'node:path';
import { UsageError } from '../../usage-error.js';

/** One side of `cp`: a path on the host (or `-`), or `CONTAINER:PATH`. */
export type CpArg = { container?: undefined; path: string } | { container: string; path: string };

/**
 * Docker's reading of a cp argument (splitCpArg): a path that starts with
 * `/` or `.` is the host's even with a colon in it; otherwise the part
 * before the first colon names a container. A container's path is from its
 * root (`c:etc` is `/etc`).
 */
export function parseCpArg(arg: string): CpArg {
  if (arg === '-' || arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon <= 0) return { path: arg };
  const path = arg.slice(colon + 1);
  return { container: arg.slice(0, colon), path: path.startsWith('/') ? path : `/${path}` };
}

/** A host path made absolute from the current directory, keeping a trailing `/` or `/.` (they mean something to cp). */
export function hostPath(path: string): string {
  const tail = path.endsWith('/.') ? '/.' : path.endsWith('/') ? '/' : '';
  const absolute = resolve(path);
  return absolute === '/' ? '/' : `${absolute}${tail}`;
}

/** Which way the copy goes: exactly one side names a container. */
export function cpDirection(source: CpArg, destination: CpArg): 'from-container' | 'to-container' {
  if (source.container !== undefined && destination.container !== undefined) {
    throw new UsageError('cp: copying between containers is not supported');
  }
  if (source.container === undefined && destination.container === undefined) {
    throw new UsageError('cp: must specify at least one container source (CONTAINER:SRC_PATH or CONTAINER:DEST_PATH)');
  }
  if (source.container !== undefined && source.path === '') throw new UsageError('cp: empty path in the container');
  return source.container !== undefined ? 'from-container' : 'to-container';
}
