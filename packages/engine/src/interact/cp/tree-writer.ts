import { closeSync, fchmodSync, fchownSync, futimesSync, writeSync } from 'node:fs';
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_SYMLINK_NOFOLLOW,
  type Kernel,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_PATH,
  O_RDONLY,
  O_WRONLY,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFMT,
  SyscallError,
  type Timespec,
} from '@gc/syscall';
import { cpError, missing, openChild, type RootedFs, statFd } from './rooted-fs.js';
import type { DataSink, TreeEntry, TreeSink } from './tree-entry.js';

export interface TreeWriterOptions {
  /** `-a`: give every entry the owner it had; otherwise they are this process's (root in the container, or the caller). */
  readonly keepOwners?: boolean;
}

const seconds = (t: Timespec) => t.sec + t.nsec / 1e9;

/**
 * Makes a tree's entries at `parent/name` of `fs` (with `name` empty: into
 * the directory `parent`, which must exist). `parent` is resolved once by
 * `fs` (inside the container's root); every entry below is then made by
 * one name relative to a pinned directory fd (mkdirat, openat2 with
 * O_EXCL|O_NOFOLLOW and no symlinks, symlinkat, mknodat), and its mode,
 * owner and times are set through the fd or without following a symlink:
 * nothing the container has, or changes meanwhile, can point a write at
 * another file. An entry in the way is replaced, as Docker's extraction
 * does, except that a directory is never replaced by a non-directory nor
 * the other way round.
 */
export function createTreeWriter(
  fs: RootedFs,
  parent: string,
  name: string,
  options: TreeWriterOptions = {},
): TreeSink {
  const { kernel } = fs;
  let parentFd: number;
  try {
    parentFd = fs.open(parent, O_RDONLY | O_DIRECTORY);
  } catch (e) {
    throw cpError(fs, 'open the directory', parent, e);
  }
  /** Directories made or entered, by their joined path; '' is the copy's root. */
  const dirs = new Map<string, number>();
  const dirTimes: { fd: number; entry: TreeEntry }[] = [];
  const shown = (path: readonly string[]) =>
    [parent, name, ...path]
      .filter((p) => p !== '')
      .join('/')
      .replace(/^\/\//, '/');

  const closeAll = () => {
    for (const fd of dirs.values()) if (fd !== parentFd) kernel.close(fd);
    dirs.clear();
    kernel.close(parentFd);
  };

  /** The fd of the directory at `path` (made with 0755 if missing, as Docker's untar makes parents). */
  const dirAt = (path: readonly string[]): number => {
    if (path.length === 0) {
      const root = dirs.get('');
      if (root !== undefined) return root;
      if (name === '') return parentFd;
      return enterDir(parentFd, name, [], 0o755);
    }
    const key = path.join('/');
    const known = dirs.get(key);
    if (known !== undefined) return known;
    const up = dirAt(path.slice(0, -1));
    return enterDir(up, path[path.length - 1] as string, path, 0o755);
  };

  /** Open the directory `child` of `dirFd`, making it if missing; a non-directory there is refused. */
  const enterDir = (dirFd: number, child: string, path: readonly string[], mode: number): number => {
    let fd: number | undefined;
    try {
      fd = missing(() => openChild(kernel, dirFd, child, O_RDONLY | O_DIRECTORY));
    } catch (e) {
      // A symlink there (ELOOP: never followed) is a non-directory in the way.
      if (!(SyscallError.isInstance(e) && e.errnoCode === 'ELOOP')) throw e;
    }
    if (fd === undefined) {
      const existing = missing(() => openChild(kernel, dirFd, child, O_PATH));
      if (existing !== undefined) {
        kernel.close(existing);
        throw cpError(fs, 'cannot overwrite non-directory', shown(path), new Error('with a directory'));
      }
      try {
        kernel.mkdirat(dirFd, child, mode);
        fd = openChild(kernel, dirFd, child, O_RDONLY | O_DIRECTORY);
      } catch (e) {
        throw cpError(fs, 'make the directory', shown(path), e);
      }
    }
    dirs.set(path.join('/'), fd);
    return fd;
  };

  /** Remove a non-directory in the way of `child`; a directory there is refused. */
  const clear = (dirFd: number, child: string, path: readonly string[]) => {
    const existing = missing(() => openChild(kernel, dirFd, child, O_PATH));
    if (existing === undefined) return;
    const isDir = (Number(statFd(existing).mode) & S_IFMT) === S_IFDIR;
    kernel.close(existing);
    if (isDir) {
      // An empty directory may go (a copy onto it is a rename in effect); a full one never.
      try {
        kernel.unlinkat(dirFd, child, AT_REMOVEDIR);
        return;
      } catch {
        throw cpError(fs, 'cannot overwrite directory', shown(path), new Error('with a non-directory'));
      }
    }
    try {
      kernel.unlinkat(dirFd, child, 0);
    } catch (e) {
      throw cpError(fs, 'replace', shown(path), e);
    }
  };

  /** Owner and times of a non-directory, without following it. */
  const finishLeaf = (dirFd: number, child: string, entry: TreeEntry) => {
    if (options.keepOwners) kernel.fchownat(dirFd, child, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW);
    kernel.utimensat(dirFd, child, entry.atime, entry.mtime, AT_SYMLINK_NOFOLLOW);
  };

  return {
    put(entry) {
      const { path } = entry;
      if (entry.type === 'dir') {
        const fd = dirAt(path);
        try {
          if (options.keepOwners) fchownSync(fd, entry.uid, entry.gid);
          fchmodSync(fd, entry.mode);
        } catch (e) {
          throw cpError(fs, 'set the mode of', shown(path), e);
        }
        dirTimes.push({ fd, entry });
        return undefined;
      }
      if (path.length === 0 && name === '') {
        throw cpError(fs, 'cannot copy a non-directory into', parent, new Error("a directory's place"));
      }
      const dirFd = path.length === 0 ? parentFd : dirAt(path.slice(0, -1));
      const child = path.length === 0 ? name : (path[path.length - 1] as string);
      clear(dirFd, child, path);
      try {
        switch (entry.type) {
          case 'file': {
            const fd = openChild(kernel, dirFd, child, O_WRONLY | O_CREAT | O_EXCL, 0o600);
            return fileSink(kernel, fd, entry, options.keepOwners ?? false, () => shown(path), fs);
          }
          case 'symlink':
            kernel.symlinkat(entry.linkTarget ?? '', dirFd, child);
            break;
          default: {
            const type = entry.type === 'char' ? S_IFCHR : entry.type === 'block' ? S_IFBLK : S_IFIFO;
            kernel.mknodat(dirFd, child, type | (entry.mode & 0o7777), entry.major ?? 0, entry.minor ?? 0);
            // mknodat's mode went through the umask.
            const fd = openChild(kernel, dirFd, child, O_PATH);
            try {
              kernel.fchmodat(AT_FDCWD, `/proc/self/fd/${fd}`, entry.mode & 0o7777);
              if (options.keepOwners) kernel.fchownat(fd, '', entry.uid, entry.gid, AT_EMPTY_PATH);
            } finally {
              kernel.close(fd);
            }
          }
        }
        finishLeaf(dirFd, child, entry);
      } catch (e) {
        if (SyscallError.isInstance(e) || !(e as { code?: string }).code?.startsWith('ENGINE_')) {
          throw cpError(fs, `make the ${entry.type}`, shown(path), e);
        }
        throw e;
      }
      return undefined;
    },
    finish() {
      // Deepest first: setting a directory's times after its children were made.
      for (const { fd, entry } of dirTimes.reverse()) futimesSync(fd, seconds(entry.atime), seconds(entry.mtime));
      closeAll();
    },
    abort: closeAll,
  };
}

function fileSink(
  kernel: Kernel,
  fd: number,
  entry: TreeEntry,
  keepOwners: boolean,
  shown: () => string,
  fs: RootedFs,
): DataSink {
  return {
    write(chunk) {
      let off = 0;
      try {
        while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      } catch (e) {
        kernel.close(fd);
        throw cpError(fs, 'write', shown(), e);
      }
    },
    end() {
      try {
        if (keepOwners) fchownSync(fd, entry.uid, entry.gid);
        // After the chown, which clears setuid and setgid.
        fchmodSync(fd, entry.mode & 0o7777);
        futimesSync(fd, seconds(entry.atime), seconds(entry.mtime));
      } catch (e) {
        throw cpError(fs, 'set the mode of', shown(), e);
      } finally {
        closeSync(fd);
      }
    },
  };
}
