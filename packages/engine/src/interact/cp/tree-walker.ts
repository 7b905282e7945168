import { readSync } from 'node:fs';
import { posix } from 'node:path';
import {
  AT_FDCWD,
  type Kernel,
  O_DIRECTORY,
  O_NONBLOCK,
  O_PATH,
  O_RDONLY,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
} from '@gc/syscall';
import { cpError, listDir, openChild, type RootedFs, readLinkAt, statFd } from './rooted-fs.js';
import type { TreeEntry, TreeEntryType, TreeSink } from './tree-entry.js';

export interface WalkOptions {
  /** `-L`: follow the source itself if it is a symlink (links below it are copied as links). */
  readonly followLink?: boolean;
}

/** The source of a copy, opened: its type, and the walk that gives its entries to a sink. */
export interface TreeSource {
  readonly isDir: boolean;
  /** Give every entry to `sink`, the root (`path: []`) first, parents before children. */
  walk(sink: TreeSink): void;
  close(): void;
}

const CHUNK = 1 << 20;

function typeOf(mode: number): TreeEntryType | undefined {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return 'dir';
    case S_IFREG:
      return 'file';
    case S_IFLNK:
      return 'symlink';
    case S_IFCHR:
      return 'char';
    case S_IFBLK:
      return 'block';
    case S_IFIFO:
      return 'fifo';
    default:
      // A socket is no file to copy (tar has no type for one either).
      return undefined;
  }
}

/**
 * Open `path` of `fs` to copy it: through `fs` (inside the container's root),
 * then every entry below by one name relative to its pinned directory
 * without following symlinks, so the walk never leaves the tree it began in.
 * A symlink is copied as a symlink (its target is text, never opened).
 * Fails with ENOENT-named errors when the source is missing.
 */
export function openTreeSource(fs: RootedFs, path: string, options: WalkOptions = {}): TreeSource {
  const { kernel } = fs;
  const normal = posix.normalize(path);
  const parentPath = posix.dirname(normal);
  const base = posix.basename(normal);
  const isRoot = normal === '/' || normal === '.' || base === '' || base === '.';
  let parentFd: number | undefined;
  let fd: number;
  try {
    if (isRoot || options.followLink) {
      fd = fs.open(normal, O_PATH);
    } else {
      parentFd = fs.open(parentPath, O_PATH | O_DIRECTORY);
      fd = openChild(kernel, parentFd, base, O_PATH);
    }
  } catch (e) {
    if (parentFd !== undefined) kernel.close(parentFd);
    throw cpError(fs, 'open', path, e);
  }
  const st = statFd(fd);
  const mode = Number(st.mode);
  return {
    isDir: (mode & S_IFMT) === S_IFDIR,
    walk(sink) {
      visit(kernel, fs, fd, parentFd, base, [], sink, path);
    },
    close() {
      kernel.close(fd);
      if (parentFd !== undefined) kernel.close(parentFd);
    },
  };
}

function entryOf(fd: number, path: readonly string[], linkTarget: string | undefined): TreeEntry | undefined {
  const st = statFd(fd);
  const mode = Number(st.mode);
  const type = typeOf(mode);
  if (type === undefined) return undefined;
  const rdev = st.rdev;
  const time = (ns: bigint) => ({ sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) });
  return {
    path,
    type,
    mode: mode & 0o7777,
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: time(st.mtimeNs),
    atime: time(st.atimeNs),
    ...(type === 'file' ? { size: Number(st.size) } : {}),
    ...(linkTarget !== undefined ? { linkTarget } : {}),
    ...(type === 'char' || type === 'block'
      ? {
          major: Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)),
          minor: Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)),
        }
      : {}),
  };
}

/** Reopen an O_PATH fd for reading: the same inode, whatever its name now points at. */
function reopen(kernel: Kernel, pathFd: number, flags: number): number {
  return kernel.openat(AT_FDCWD, `/proc/self/fd/${pathFd}`, flags);
}

function visit(
  kernel: Kernel,
  fs: RootedFs,
  fd: number,
  parentFd: number | undefined,
  name: string,
  path: readonly string[],
  sink: TreeSink,
  shown: string,
): void {
  const mode = Number(statFd(fd).mode);
  const link = (mode & S_IFMT) === S_IFLNK && parentFd !== undefined ? readLinkAt(parentFd, name) : undefined;
  const entry = entryOf(fd, path, link);
  if (entry === undefined) return;
  if (entry.type === 'file') {
    let data: number;
    try {
      data = reopen(kernel, fd, O_RDONLY | O_NONBLOCK);
    } catch (e) {
      throw cpError(fs, 'open', shown, e);
    }
    try {
      const out = sink.put(entry);
      const buffer = Buffer.alloc(CHUNK);
      let left = entry.size ?? 0;
      // As many bytes as the header said: a file that grows meanwhile is cut, one that shrinks is padded.
      while (left > 0) {
        const n = readSync(data, buffer, 0, Math.min(CHUNK, left), null);
        if (n === 0) {
          out?.write(Buffer.alloc(left));
          break;
        }
        out?.write(buffer.subarray(0, n));
        left -= n;
      }
      out?.end();
    } finally {
      kernel.close(data);
    }
    return;
  }
  sink.put(entry);
  if (entry.type !== 'dir') return;
  let dirFd: number;
  try {
    dirFd = reopen(kernel, fd, O_RDONLY | O_DIRECTORY);
  } catch (e) {
    throw cpError(fs, 'open the directory', shown, e);
  }
  try {
    for (const child of listDir(dirFd).sort()) {
      let childFd: number;
      try {
        childFd = openChild(kernel, dirFd, child, O_PATH);
      } catch (e) {
        throw cpError(fs, 'open', `${shown}/${child}`, e);
      }
      try {
        visit(kernel, fs, childFd, dirFd, child, [...path, child], sink, `${shown}/${child}`);
      } finally {
        kernel.close(childFd);
      }
    }
  } finally {
    kernel.close(dirFd);
  }
}
