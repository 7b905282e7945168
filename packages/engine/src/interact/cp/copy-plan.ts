import { posix } from 'node:path';
import { GcError } from '@gc/syscall';

/** A `cp` whose paths do not fit together (Docker's texts). */
export const ENGINE_CP_PATHS = 'ENGINE_CP_PATHS';

/** What `cp` knows of its source before it copies. */
export interface CopySource {
  /** As the user gave it (a trailing `/` or `/.` matters). */
  readonly path: string;
  readonly isDir: boolean;
}

/** What `cp` knows of its destination. */
export interface CopyDestination {
  readonly path: string;
  /** undefined: it does not exist. */
  readonly isDir: boolean | undefined;
}

/**
 * Where the source lands: it becomes `parent/name`; with `name` empty, its
 * contents are merged into `parent` (which is a directory that exists).
 */
export interface CopyPlan {
  readonly parent: string;
  readonly name: string;
}

/**
 * Docker's rules for `cp SRC DEST` (docker cp's manual):
 * - a file to a DEST that does not exist becomes DEST (DEST ending in `/`
 *   must be a directory that exists); to a file, overwrites it; to a
 *   directory, goes into it under its own name;
 * - a directory to a DEST that does not exist becomes DEST; to a
 *   directory, goes into it under its own name, or with SRC ending in `/.`
 *   its contents do; never onto a file;
 * - SRC ending in `/` must be a directory.
 */
export function planCopy(source: CopySource, destination: CopyDestination): CopyPlan {
  const src = source.path;
  if (!source.isDir && (src.endsWith('/') || src.endsWith('/.'))) {
    throw new GcError(ENGINE_CP_PATHS, `cp: ${src}: not a directory`);
  }
  const dest = destination.path;
  const destSlash = dest.endsWith('/') || dest.endsWith('/.');
  const contentsOnly = source.isDir && (src.endsWith('/.') || src === '.' || posix.basename(clean(src)) === '');
  const ownName = posix.basename(clean(src));
  if (destination.isDir === undefined) {
    if (destSlash && !source.isDir) {
      throw new GcError(ENGINE_CP_PATHS, `cp: destination directory ${dest} must exist (no such directory)`);
    }
    const target = clean(dest);
    return { parent: posix.dirname(target), name: posix.basename(target) };
  }
  if (!destination.isDir) {
    if (source.isDir) throw new GcError(ENGINE_CP_PATHS, `cp: cannot copy a directory to a file: ${dest}`);
    if (destSlash) throw new GcError(ENGINE_CP_PATHS, `cp: ${dest}: not a directory`);
    const target = clean(dest);
    return { parent: posix.dirname(target), name: posix.basename(target) };
  }
  return { parent: clean(dest), name: contentsOnly ? '' : ownName };
}

/** The path without a trailing `/` or `/.` (the root stays `/`). */
function clean(path: string): string {
  const normal = posix.normalize(path);
  if (normal === '/' || normal === '.') return normal;
  return normal.endsWith('/') ? normal.slice(0, -1) : normal;
}
