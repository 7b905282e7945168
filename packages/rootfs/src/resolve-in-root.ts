import { posix } from 'node:path';
import {
  MOVE_MOUNT_F_EMPTY_PATH,
  MOVE_MOUNT_T_EMPTY_PATH,
  O_CLOEXEC,
  O_PATH,
  type OpRef,
  type ProgramScope,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  S_IFREG,
} from '@gc/syscall';
import { isWithin, prefixes, relative } from './container-path.js';
import type { HostProbe, PathKind } from './host-probe.js';
import { OPEN_HOW_SIZE, openHow } from './structs.js';

/**
 * Plans every path operation inside the container's root before the pivot.
 *
 * Paths are opened with openat2(rootfd, path, RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS): a symlink in the image (`/evil -> /etc` or
 * `-> ../../../tmp`) resolves as if the root were `/`, so a mount can never
 * land on the host. Missing directories are created one component at a time
 * with mkdirat relative to such an fd.
 *
 * It also tracks, while planning, what is known to exist, so that a path the
 * image already holds costs one op, not three per component: the image is
 * looked at on the host (lstat, never following a symlink), and anything
 * below a planned mount is unknown again.
 */
export class RootResolver {
  readonly #p: ProgramScope;
  readonly #rootFd: OpRef;
  /** The root directory on the host, or undefined when its content cannot be looked at (an overlay). */
  readonly #hostRoot: string | undefined;
  /** Where the image's files are on the host, top-most first: the root, or an overlay's upper and lower layers. */
  readonly #image: readonly string[];
  readonly #host: HostProbe;
  /** Paths known to exist (planned mkdirs, mount points); overrides the host view. */
  readonly #known = new Map<string, PathKind>();
  /** Planned mount points: below them the host view says nothing. */
  readonly #mountPoints: string[] = [];

  constructor(
    p: ProgramScope,
    rootFd: OpRef,
    hostRoot: string | undefined,
    host: HostProbe,
    image: readonly string[] = hostRoot === undefined ? [] : [hostRoot],
  ) {
    this.#p = p;
    this.#rootFd = rootFd;
    this.#hostRoot = hostRoot;
    this.#image = image;
    this.#host = host;
  }

  get rootFd(): OpRef {
    return this.#rootFd;
  }

  /** An O_PATH fd on `path`, resolved inside the root. */
  open(path: string, label = `open ${path} in the root`): OpRef {
    const how = openHow(this.#p, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    return this.#p.syscall('openat2', [this.#rootFd, relative(path), how, OPEN_HOW_SIZE], label);
  }

  close(fd: OpRef, what: string): void {
    this.#p.syscall('close', [fd], `close ${what}`);
  }

  /** mkdir -p inside the root. */
  ensureDir(path: string): void {
    for (const prefix of prefixes(path)) {
      if (this.kind(prefix) === 'dir') continue;
      this.#createIn(prefix, 'dir');
    }
  }

  /**
   * The parent directories, then an empty file (a mount point for a file
   * bind). Where the image has a symlink on the way (`/etc/resolv.conf ->
   * ../run/systemd/resolve/stub-resolv.conf`), the file is made where the link
   * leads inside the root, as runc does: the bind, resolved by the kernel
   * inside the root, then lands there.
   */
  ensureFile(path: string): void {
    const real = this.resolveLinks(path);
    this.ensureDir(posix.dirname(real));
    if (this.kind(real) !== undefined) return;
    this.#createIn(real, 'file');
  }

  /**
   * `path` with the image's symlinks followed as RESOLVE_IN_ROOT does (an
   * absolute target starts again at the root, `..` stops at it), from what
   * planning sees of the image on the host. It only decides where files are
   * made: every open is still resolved by the kernel, inside the root.
   */
  resolveLinks(path: string): string {
    let pending = path.split('/').filter(Boolean);
    let done: string[] = [];
    for (let links = 0; pending.length > 0; ) {
      const part = pending.shift() as string;
      if (part === '.') continue;
      if (part === '..') {
        done.pop();
        continue;
      }
      const here = `/${[...done, part].join('/')}`;
      const target = this.#linkTarget(here);
      if (target === undefined) {
        done.push(part);
        continue;
      }
      if (++links > 40) return path; // the kernel will say ELOOP
      if (target.startsWith('/')) done = [];
      pending = [...target.split('/').filter(Boolean), ...pending];
    }
    return `/${done.join('/')}`;
  }

  /** The target of `path` if the image holds a symlink there (and nothing planned covers it). */
  #linkTarget(path: string): string | undefined {
    if (this.#known.has(path) || this.#mountPoints.some((m) => isWithin(path, m))) return undefined;
    for (const place of this.#image) {
      const onHost = posix.join(place, path);
      const kind = this.#host.lstat(onHost);
      if (kind === undefined) continue;
      return kind === 'symlink' ? this.#host.readlink(onHost) : undefined;
    }
    return undefined;
  }

  /** Record that a mount was planned on `path`: whatever was known below it is hidden now. */
  mounted(path: string, kind: PathKind): void {
    for (const known of [...this.#known.keys()]) if (known !== path && isWithin(known, path)) this.#known.delete(known);
    this.#known.set(path, kind);
    this.#mountPoints.push(path);
  }

  /** Attach a detached mount (an fsmount or open_tree fd) on `path` in the root, then close both fds. */
  attach(mntFd: OpRef, path: string, label: string, what: string): void {
    const target = this.open(path);
    this.#p.syscall('move_mount', [mntFd, '', target, '', MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH], label);
    this.close(target, path);
    this.close(mntFd, what);
  }

  /** What is known about `path` in the root while planning; undefined means "maybe missing". */
  kind(path: string): PathKind | undefined {
    if (path === '/') return 'dir';
    const known = this.#known.get(path);
    if (known !== undefined) return known;
    if (this.#hostRoot === undefined) return undefined;
    if (this.#mountPoints.some((m) => isWithin(path, m))) return undefined;
    // Every component must be a real directory on the host: a symlink may lead anywhere once in the root.
    for (const prefix of prefixes(posix.dirname(path))) {
      if (this.#host.lstat(this.#hostRoot + prefix) !== 'dir') return undefined;
    }
    const kind = this.#host.lstat(this.#hostRoot + path);
    return kind === 'symlink' ? undefined : kind;
  }

  #createIn(path: string, kind: 'dir' | 'file'): void {
    const parent = posix.dirname(path);
    const name = posix.basename(path);
    const dirFd = parent === '/' ? this.#rootFd : this.open(parent);
    if (kind === 'dir') {
      this.#p.syscall('mkdirat', [dirFd, name, 0o755], `create ${path} in the root`, { tolerate: ['EEXIST'] });
    } else {
      this.#p.syscall('mknodat', [dirFd, name, S_IFREG | 0o644, 0], `create the file ${path} in the root`, {
        tolerate: ['EEXIST'],
      });
    }
    if (dirFd !== this.#rootFd) this.close(dirFd, parent);
    this.#known.set(path, kind);
  }
}
