import { rmSync } from 'node:fs';
import {
  ARCH_OPEN_FLAGS,
  AT_FDCWD,
  AT_REMOVEDIR,
  AT_SYMLINK_NOFOLLOW,
  GcError,
  type Kernel,
  O_CLOEXEC,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_WRONLY,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
  SyscallError,
  type Timespec,
} from '@gc/syscall';
import { type Creation, creationUnder, DEFAULT_ACL } from './creation.js';
import { splitPath } from './entry-path.js';

/** One tar entry, read and checked: what the writer makes. */
export interface LayerEntry {
  /** The name as the tar holds it (for messages). */
  name: string;
  /** Relative to the layer's root, cleaned (see entryPath). */
  path: string;
  mode: number;
  uid: number;
  gid: number;
  atime: Timespec;
  mtime: Timespec;
  xattrs: ReadonlyMap<string, Uint8Array>;
}

export interface LayerWriterOptions {
  /** The opaque marker's xattr: `user.overlay.opaque` for a rootless overlayfs (`userxattr`). */
  rootless?: boolean;
}

/** An open regular file being written. */
export interface FileSink {
  write(chunk: Uint8Array): void;
  /** Copy up to `length` bytes from `fd` at `offset` in the kernel (copy_file_range); 0 where it cannot. */
  copy(fd: number, offset: number, length: number): number;
  /** Close it and set its owner, mode and times. */
  end(): void;
  /** Close it after a failure (the file is left for the caller's removal of the layer). */
  abort(): void;
}

const S_ISGID = 0o2000;
const EEXIST = 17;
const ENOENT = 2;
const EISDIR = 21;
const ENOTEMPTY = 39;
/** Directory fds kept open: tars list a directory's entries together, so few are needed. */
const DIR_CACHE_SIZE = 64;
const RESOLVE = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
/** copy_file_range's errnos for files it does not copy between: EXDEV, EINVAL, ENOSYS, EOPNOTSUPP. */
const NO_COPY = new Set([18, 22, 38, 95]);

/**
 * Writes a layer's entries below one directory, every one through a
 * directory fd that openat2(RESOLVE_IN_ROOT) resolved below the layer's root,
 * and then by a single name relative to that fd (`O_EXCL|O_NOFOLLOW`,
 * mkdirat, mknodat, symlinkat, linkat, none of which follows a final
 * symlink). So no name, `..` or symlink of the layer reaches outside it.
 * Errors are SyscallErrors naming the step and the entry.
 */
export class LayerWriter {
  readonly #kernel: Kernel;
  readonly #root: number;
  readonly #dirs = new Map<string, number>();
  /** Paths of the non-directories this layer made: the only hard-link targets allowed. */
  readonly #made = new Set<string>();
  /** Directories' times, set once their contents are written (writing into a directory changes its mtime). */
  readonly #dirTimes = new Map<string, LayerEntry>();
  readonly #opaque: string;
  /** What a new entry gets from the kernel as it is made, while that is known (see creationUnder). */
  #creation: Creation | undefined;
  /** The directory fd last asked for, and its path: most entries are in their predecessor's directory. */
  #lastDir = '';
  #lastDirFd = -1;
  /** The fd of the file being written, if any: closed by close() after a failure. */
  #openFile: number | undefined;
  /** The file being written: its parent's fd, its name there, its entry. */
  #fileDir = -1;
  #fileBase = '';
  #fileEntry: LayerEntry | undefined;
  /** Whether copy_file_range works from the tar's file to this layer's (until it first refuses). */
  #canCopy = true;
  readonly #oDirectory: number;
  readonly #oNofollow: number;

  constructor(kernel: Kernel, dir: string, options: LayerWriterOptions = {}) {
    this.#kernel = kernel;
    this.#creation = creationUnder(kernel, dir);
    const flags = ARCH_OPEN_FLAGS[kernel.arch];
    this.#oDirectory = flags.O_DIRECTORY;
    this.#oNofollow = flags.O_NOFOLLOW;
    this.#opaque = options.rootless ? 'user.overlay.opaque' : 'trusted.overlay.opaque';
    this.#root = this.#step('openat', dir, dir, () =>
      kernel.openat(AT_FDCWD, dir, O_RDONLY | O_CLOEXEC | this.#oDirectory),
    );
  }

  directory(entry: LayerEntry): void {
    this.#trim();
    if (entry.path === '') return; // the layer's own directory: the caller's to own
    const [parent, base] = splitPath(entry.path);
    const pfd = this.#dir(parent, entry);
    // New files take a setgid directory's group, and a default ACL's mode bits.
    if ((entry.mode & S_ISGID) !== 0 || entry.xattrs.has(DEFAULT_ACL)) this.#creation = undefined;
    const mode = this.#createMode(entry);
    const mkdir = () => {
      this.#kernel.mkdirat(pfd, base, mode);
      return true;
    };
    const made = this.#create(pfd, entry, base, 'mkdirat', mkdir, true) === true;
    this.#owner(pfd, base, entry, true, made);
    this.#setXattrsByName(pfd, base, entry);
    this.#dirTimes.set(entry.path, entry);
  }

  file(entry: LayerEntry): FileSink {
    this.#trim();
    const [parent, base] = splitPath(entry.path);
    const pfd = this.#dir(parent, entry);
    const kernel = this.#kernel;
    const flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | this.#oNofollow;
    const mode = this.#createMode(entry);
    let fd: number;
    // The common case without a closure per call (a layer makes thousands):
    // an earlier entry of the name goes the #create way.
    try {
      fd = kernel.openat(pfd, base, flags, mode);
    } catch (e) {
      if (!(SyscallError.isInstance(e) && e.errno === EEXIST)) throw this.#failed(e, 'openat', entry.path, entry.name);
      fd = this.#create(pfd, entry, base, 'openat', () => kernel.openat(pfd, base, flags, mode), false) as number;
    }
    this.#openFile = fd;
    this.#fileDir = pfd;
    this.#fileBase = base;
    this.#fileEntry = entry;
    return this.#sink;
  }

  /** The sink of the file being written: one object for every file, as one is written at a time. */
  readonly #sink: FileSink = {
    write: (chunk) => {
      const fd = this.#openFile as number;
      let done = 0;
      while (done < chunk.byteLength) {
        const part = done === 0 ? chunk : chunk.subarray(done);
        try {
          done += this.#kernel.write(fd, part);
        } catch (e) {
          const entry = this.#fileEntry as LayerEntry;
          throw this.#failed(e, 'write', entry.path, entry.name);
        }
      }
    },
    copy: (from, offset, length) => {
      const kernel = this.#kernel;
      if (!this.#canCopy || kernel.copyFileRange === undefined) return 0;
      const fd = this.#openFile as number;
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          n = kernel.copyFileRange(from, offset + done, fd, length - done);
        } catch (e) {
          // Files it cannot copy between (another filesystem, mostly): the caller reads and writes.
          if (done === 0 && SyscallError.isInstance(e) && NO_COPY.has(e.errno)) {
            this.#canCopy = false;
            return 0;
          }
          const entry = this.#fileEntry as LayerEntry;
          throw this.#failed(e, 'copy_file_range', entry.path, entry.name);
        }
        if (n === 0) break; // the tar's file ends here: the reader sees it truncated
        done += n;
      }
      return done;
    },
    end: () => {
      const entry = this.#fileEntry as LayerEntry;
      const fd = this.#openFile as number;
      try {
        if (entry.xattrs.size > 0) {
          for (const [name, value] of entry.xattrs) {
            this.#step('fsetxattr', entry.path, entry.name, () => this.#kernel.fsetxattr(fd, name, value));
          }
        }
      } finally {
        this.#closeFile();
      }
      this.#made.add(entry.path);
      this.#owner(this.#fileDir, this.#fileBase, entry, true, true);
      this.#times(this.#fileDir, this.#fileBase, entry);
    },
    abort: () => this.#closeFile(),
  };

  #closeFile(): void {
    const fd = this.#openFile;
    if (fd === undefined) return;
    this.#openFile = undefined;
    this.#kernel.close(fd);
  }

  symlink(entry: LayerEntry, target: string): void {
    this.#trim();
    const [parent, base] = splitPath(entry.path);
    const pfd = this.#dir(parent, entry);
    this.#create(pfd, entry, base, 'symlinkat', () => this.#kernel.symlinkat(target, pfd, base), false);
    this.#made.add(entry.path);
    this.#owner(pfd, base, entry, false, true);
    this.#setXattrsByName(pfd, base, entry);
    this.#times(pfd, base, entry);
  }

  /** A hard link to `target`, an earlier non-directory entry of this layer (a cleaned path). */
  hardlink(entry: LayerEntry, target: string): void {
    this.#trim();
    if (!this.#made.has(target)) {
      throw new GcError(
        'EIMAGE_LAYER',
        `unpack layer: entry "${entry.name}": a hard link to "${target}", which is not a file of this layer (a layer can only link to its own files)`,
      );
    }
    const [parent, base] = splitPath(entry.path);
    const [targetParent, targetBase] = splitPath(target);
    const link = () => {
      const tfd = this.#dir(targetParent, entry);
      const pfd = this.#dir(parent, entry);
      this.#kernel.linkat(tfd, targetBase, pfd, base, 0);
    };
    try {
      this.#step('linkat', entry.path, entry.name, link);
    } catch (e) {
      if (!(SyscallError.isInstance(e) && e.errno === EEXIST)) throw e;
      this.#replace(this.#dir(parent, entry), entry, base, false);
      this.#step('linkat', entry.path, entry.name, link);
    }
    this.#made.add(entry.path);
  }

  /** A fifo, or (when the caller allows them) a character or block device. */
  node(entry: LayerEntry, kind: 'fifo' | 'character-device' | 'block-device', major: number, minor: number): void {
    this.#trim();
    const [parent, base] = splitPath(entry.path);
    const pfd = this.#dir(parent, entry);
    const type = kind === 'fifo' ? S_IFIFO : kind === 'block-device' ? S_IFBLK : S_IFCHR;
    const mode = type | this.#createMode(entry);
    const mknod = () => this.#kernel.mknodat(pfd, base, mode, major, minor);
    this.#create(pfd, entry, base, 'mknodat', mknod, false);
    this.#made.add(entry.path);
    this.#owner(pfd, base, entry, true, true);
    this.#setXattrsByName(pfd, base, entry);
    this.#times(pfd, base, entry);
  }

  /** `.wh.NAME` in overlayfs's format: NAME as a 0/0 character device. */
  whiteout(entry: LayerEntry, path: string): void {
    this.#trim();
    const [parent, base] = splitPath(path);
    const pfd = this.#dir(parent, entry);
    const mknod = () => this.#kernel.mknodat(pfd, base, S_IFCHR, 0, 0);
    this.#create(pfd, { ...entry, path }, base, 'mknodat', mknod, false);
  }

  /** `.wh..wh..opq` in overlayfs's format: the opaque xattr on its directory. */
  opaque(entry: LayerEntry, dir: string): void {
    this.#trim();
    const fd = this.#dir(dir, entry);
    this.#step('fsetxattr', dir, entry.name, () => this.#kernel.fsetxattr(fd, this.#opaque, 'y'));
  }

  /** Set the directories' times, now that nothing more is written into them. */
  finish(): void {
    for (const entry of this.#dirTimes.values()) {
      this.#trim();
      const [parent, base] = splitPath(entry.path);
      this.#times(this.#dir(parent, entry), base, entry);
    }
  }

  close(): void {
    if (this.#openFile !== undefined) this.#kernel.close(this.#openFile);
    this.#openFile = undefined;
    for (const fd of this.#dirs.values()) this.#kernel.close(fd);
    this.#dirs.clear();
    this.#lastDir = '';
    this.#kernel.close(this.#root);
  }

  /**
   * Make the entry; where a name exists already (an earlier entry of this
   * layer), replace it as tar does, keeping a directory when the new entry is
   * one (Docker removes whatever else is there, a directory with its contents).
   */
  #create<T>(
    pfd: number,
    entry: LayerEntry,
    base: string,
    syscall: string,
    make: () => T,
    isDir: boolean,
  ): T | undefined {
    try {
      return this.#step(syscall, entry.path, entry.name, make);
    } catch (e) {
      if (!(SyscallError.isInstance(e) && e.errno === EEXIST)) throw e;
    }
    if (this.#replace(pfd, entry, base, isDir) === 'kept') return undefined;
    return this.#step(syscall, entry.path, entry.name, make);
  }

  #replace(pfd: number, entry: LayerEntry, base: string, isDir: boolean): 'kept' | 'removed' {
    const kernel = this.#kernel;
    try {
      this.#step('unlinkat', entry.path, entry.name, () => kernel.unlinkat(pfd, base, 0));
    } catch (e) {
      if (!(SyscallError.isInstance(e) && e.errno === EISDIR)) throw e;
      if (isDir) return 'kept';
      try {
        this.#step('unlinkat', entry.path, entry.name, () => kernel.unlinkat(pfd, base, AT_REMOVEDIR));
      } catch (e2) {
        if (!(SyscallError.isInstance(e2) && e2.errno === ENOTEMPTY)) throw e2;
        // Through the parent's fd: each name below it resolves from that fd,
        // never through a symlink (rmSync does not follow them).
        rmSync(`/proc/self/fd/${pfd}/${base}`, { recursive: true, force: true });
      }
    }
    this.#forget(entry.path);
    return 'removed';
  }

  /** What this writer held of a removed path and what was below it. */
  #forget(path: string): void {
    const below = `${path}/`;
    for (const [key, fd] of this.#dirs) {
      if (key === path || key.startsWith(below)) {
        this.#dirs.delete(key);
        this.#kernel.close(fd);
        if (key === this.#lastDir) this.#lastDir = '';
      }
    }
    this.#made.delete(path);
    for (const key of this.#dirTimes.keys()) {
      if (key === path || key.startsWith(below)) this.#dirTimes.delete(key);
    }
  }

  /**
   * An fd of the directory `path` (cleaned, relative to the root), resolved
   * in-root: symlinks on the way are followed as if the layer's root were
   * `/`. Missing directories are made (0755, as tar makes them).
   */
  #dir(path: string, entry: LayerEntry): number {
    if (path === '') return this.#root;
    if (path === this.#lastDir) return this.#lastDirFd;
    const fd = this.#openDir(path, entry);
    this.#lastDir = path;
    this.#lastDirFd = fd;
    return fd;
  }

  #openDir(path: string, entry: LayerEntry): number {
    const cached = this.#dirs.get(path);
    if (cached !== undefined) {
      // Most recently used last: the oldest is the one let go.
      this.#dirs.delete(path);
      this.#dirs.set(path, cached);
      return cached;
    }
    const kernel = this.#kernel;
    const how = { flags: O_RDONLY | O_CLOEXEC | this.#oDirectory, resolve: RESOLVE };
    let fd: number;
    try {
      fd = this.#step('openat2', path, entry.name, () => kernel.openat2(this.#root, path, how));
    } catch (e) {
      if (!(SyscallError.isInstance(e) && e.errno === ENOENT)) throw e;
      const [parent, base] = splitPath(path);
      const pfd = this.#dir(parent, entry);
      try {
        this.#step('mkdirat', path, entry.name, () => kernel.mkdirat(pfd, base, 0o755));
      } catch (e2) {
        // There, yet not found: a symlink to nowhere. The openat2's ENOENT says it.
        if (SyscallError.isInstance(e2) && e2.errno === EEXIST) throw e;
        throw e2;
      }
      const flags = O_RDONLY | O_CLOEXEC | this.#oDirectory | this.#oNofollow;
      fd = this.#step('openat', path, entry.name, () => kernel.openat(pfd, base, flags));
    }
    this.#dirs.set(path, fd);
    return fd;
  }

  /**
   * Let the least recently used directory fds go. Only between entries: an
   * entry's steps hold the fds they got (a hard link holds two), which a
   * deep path of missing parents could otherwise push out.
   */
  #trim(): void {
    while (this.#dirs.size > DIR_CACHE_SIZE) {
      const [oldest, fd] = this.#dirs.entries().next().value as [string, number];
      this.#dirs.delete(oldest);
      this.#kernel.close(fd);
      if (oldest === this.#lastDir) this.#lastDir = '';
    }
  }

  /**
   * Owner, then mode (chown clears setuid and setgid); each skipped where
   * `made` (a new name, not a kept directory) already has it from its
   * making, as it would be set to the same (tar's result, fewer calls).
   */
  #owner(pfd: number, base: string, entry: LayerEntry, mode: boolean, made: boolean): void {
    const kernel = this.#kernel;
    const creation = made ? this.#creation : undefined;
    if (creation === undefined || entry.uid !== creation.uid || entry.gid !== creation.gid) {
      this.#step('fchownat', entry.path, entry.name, () =>
        kernel.fchownat(pfd, base, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW),
      );
    }
    if (mode && (creation === undefined || !creation.keepsMode(entry))) {
      this.#step('fchmodat', entry.path, entry.name, () => kernel.fchmodat(pfd, base, entry.mode & 0o7777));
    }
  }

  /** The mode to make an entry with: its permission bits (setuid and the like come after the owner). */
  #createMode(entry: LayerEntry): number {
    return entry.mode & 0o777;
  }

  #times(pfd: number, base: string, entry: LayerEntry): void {
    try {
      this.#kernel.utimensat(pfd, base, entry.atime, entry.mtime, AT_SYMLINK_NOFOLLOW);
    } catch (e) {
      throw this.#failed(e, 'utimensat', entry.path, entry.name);
    }
  }

  /** Xattrs of what has no fd open here (a symlink, a directory, a node): through the parent's fd, not following. */
  #setXattrsByName(pfd: number, base: string, entry: LayerEntry): void {
    if (entry.xattrs.size === 0) return;
    const path = `/proc/self/fd/${pfd}/${base}`;
    for (const [name, value] of entry.xattrs) {
      this.#step('lsetxattr', entry.path, entry.name, () => this.#kernel.lsetxattr(path, name, value));
    }
  }

  /** Run one kernel call; its failure as `unpack layer: SYSCALL "PATH" in layer (entry "NAME"): ERRNO`. */
  #step<T>(syscall: string, path: string, name: string, call: () => T): T {
    try {
      return call();
    } catch (e) {
      throw this.#failed(e, syscall, path, name);
    }
  }

  /** A kernel call's failure as #step words it. */
  #failed(e: unknown, syscall: string, path: string, name: string): unknown {
    if (!SyscallError.isInstance(e) || e.label.startsWith('unpack layer: ')) return e;
    const entry = name === path ? '' : ` (entry "${name}")`;
    return new SyscallError({
      syscall: e.syscall,
      errno: e.errno,
      label: `unpack layer: ${syscall} "${path}" in layer${entry}`,
      cause: e,
    });
  }
}
