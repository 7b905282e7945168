import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { posix } from 'node:path';
import { createKernel, GcError, type Kernel } from '@gc/syscall';

/** The most symlinks one lookup follows, as the kernel's (ELOOP after 40). */
const MAX_SYMLINKS = 40;
/** An image's account files are small; more is a device or an attack. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const OPAQUE_XATTRS = ['trusted.overlay.opaque', 'user.overlay.opaque'];

export interface ReadLayerFileOptions {
  /** Reads the opaque xattrs (default: the real kernel). */
  kernel?: Pick<Kernel, 'getxattr'>;
}

/** A name found in the stack of layers: a directory merged from some layers, or what the top-most one holds. */
type Found = { kind: 'dir'; dirs: string[] } | { kind: 'link' | 'file' | 'other'; path: string };

function fail(path: string, why: string): GcError {
  return new GcError('EIMAGE_LAYER_FILE', `read ${path} in the image's layers: ${why}`);
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

/**
 * The contents of `path` as a container on the overlay of `layers` (top-most
 * first: overlayfs's lowerdir order) would read it, without mounting
 * anything: each name is looked up from the top-most layer down, a whiteout
 * (a 0/0 character device) hides it and everything below, a non-directory
 * hides the layers under it, and an opaque directory ends the merge of that
 * directory. Symlinks are followed as inside the container (an absolute
 * target, and `..` at the top, stay at the container's root), so no name in
 * an image reaches a file of the host. Undefined when the file does not exist.
 */
export function readLayerFile(
  layers: readonly string[],
  path: string,
  options: ReadLayerFileOptions = {},
): Buffer | undefined {
  if (!path.startsWith('/')) throw fail(path, 'expected an absolute path');
  let kernel = options.kernel;
  const opaque = (dir: string) => {
    kernel ??= createKernel();
    const k = kernel;
    return OPAQUE_XATTRS.some((name) => k.getxattr(dir, name) === 'y');
  };
  // Every layer's root: overlayfs never looks up the root, so an opaque xattr on a layer's own directory hides nothing.
  const root: Found = { kind: 'dir', dirs: [...layers] };

  const lookup = (dirs: readonly string[], name: string): Found | undefined => {
    const merged: string[] = [];
    for (const dir of dirs) {
      const entry = posix.join(dir, name);
      const st = lstat(entry);
      if (st === undefined) continue;
      if (isWhiteout(st)) break;
      if (st.isDirectory()) {
        merged.push(entry);
        if (opaque(entry)) break;
        continue;
      }
      // A non-directory under a directory of an upper layer is hidden by it.
      if (merged.length > 0) break;
      return { kind: st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other', path: entry };
    }
    return merged.length > 0 ? { kind: 'dir', dirs: merged } : undefined;
  };

  const parents: Found[] = [root];
  const queue = path.split('/');
  let links = 0;
  let found: Found = root;
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (name === '' || name === '.') continue;
    const dir = parents[parents.length - 1] as Found & { kind: 'dir' };
    if (name === '..') {
      if (parents.length > 1) parents.pop();
      found = parents[parents.length - 1] as Found;
      continue;
    }
    const next = lookup(dir.dirs, name);
    if (next === undefined) return undefined;
    if (next.kind === 'link') {
      links += 1;
      if (links > MAX_SYMLINKS) throw fail(path, 'ELOOP (too many levels of symbolic links)');
      const target = readlinkSync(next.path);
      if (target.startsWith('/')) parents.splice(1);
      queue.unshift(...target.split('/'));
      found = parents[parents.length - 1] as Found;
      continue;
    }
    found = next;
    if (queue.some((n) => n !== '' && n !== '.')) {
      // More names follow: this one must be a directory.
      if (next.kind !== 'dir') return undefined;
      parents.push(next);
    }
  }
  if (found.kind === 'dir') throw fail(path, 'EISDIR (it is a directory)');
  if (found.kind !== 'file') throw fail(path, 'not a regular file');
  return readRegular(found.path, path);
}

/** Read a regular file of a layer, refusing a symlink swapped in since the lookup and anything too big. */
function readRegular(hostPath: string, path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw fail(path, `open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw fail(path, 'not a regular file');
    if (st.size > MAX_FILE_BYTES) throw fail(path, `larger than ${MAX_FILE_BYTES} bytes`);
    const buffer = Buffer.alloc(st.size);
    let at = 0;
    while (at < buffer.length) {
      const n = readSync(fd, buffer, at, buffer.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return buffer.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
