import { lstatSync, readFileSync, readlinkSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { release } from 'node:os';

export type PathKind = 'dir' | 'file' | 'symlink' | 'other';

/** One cgroup v1 hierarchy as the host mounts it under /sys/fs/cgroup. */
export interface CgroupHierarchy {
  /** Directory name under /sys/fs/cgroup: `cpu,cpuacct`, `memory`, `systemd`. */
  readonly dir: string;
  /** Its superblock options without rw/ro: `['cpu', 'cpuacct']`, `['xattr', 'name=systemd']`. */
  readonly options: readonly string[];
}

/** How the host mounts cgroups: v2 alone, or v1 hierarchies (with a v2 `unified` dir on hybrid hosts). */
export type CgroupLayout =
  | { readonly mode: 'unified' }
  | { readonly mode: 'legacy'; readonly hierarchies: readonly CgroupHierarchy[]; readonly unified: boolean };

/**
 * What planning reads from the host. Programs have no branches, so whatever
 * depends on the machine (is a bind source a file, does /proc/kcore exist on
 * this kernel, which cgroup hierarchies are there) is asked here, before the
 * spawn. Tests pass their own.
 */
export interface HostProbe {
  /** The kind of `path` without following a final symlink, or undefined when it does not exist. */
  lstat(path: string): PathKind | undefined;
  /** The kind of what `path` leads to, following symlinks. */
  stat(path: string): PathKind | undefined;
  /** The target of the symlink `path`, or undefined when it is not one. */
  readlink(path: string): string | undefined;
  /** The permission bits and owner of `path` itself (lstat), or undefined when it does not exist. */
  owner(path: string): FileOwner | undefined;
  cgroupLayout(): CgroupLayout;
  /** The mount point of the mount `path` lives on (the longest mount point above its real path). */
  mountPointOf(path: string): string;
  /** `uname -r`: `6.18.44`. */
  kernelRelease(): string;
}

export interface FileOwner {
  /** The permission bits, with setuid, setgid and sticky: `0o1777`. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

const CGROUP2_SUPER_MAGIC = 0x63677270;

function kindOf(stats: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): PathKind {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'dir';
  return stats.isFile() ? 'file' : 'other';
}

/** Parses /proc/self/mountinfo lines for the cgroup v1 hierarchies mounted directly under /sys/fs/cgroup. */
export function parseCgroupMountinfo(mountinfo: string): { hierarchies: CgroupHierarchy[]; unified: boolean } {
  const hierarchies: CgroupHierarchy[] = [];
  let unified = false;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const mountPoint = left.split(' ')[4] ?? '';
    const [fstype, , superOptions = ''] = right.split(' ');
    const match = /^\/sys\/fs\/cgroup\/([^/]+)$/.exec(mountPoint);
    if (!match) continue;
    if (fstype === 'cgroup2' && match[1] === 'unified') unified = true;
    if (fstype !== 'cgroup') continue;
    const options = superOptions.split(',').filter((o) => o !== 'rw' && o !== 'ro' && o !== '');
    hierarchies.push({ dir: unescapeMountinfo(match[1] as string), options });
  }
  return { hierarchies, unified };
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** Is the kernel at least `major.minor`? */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [maj = 0, min = 0] = release.split(/[.-]/).map((n) => Number.parseInt(n, 10));
  return maj > major || (maj === major && min >= minor);
}

/** The real host, read with node:fs. */
export function createHostProbe(): HostProbe {
  return {
    // throwIfNoEntry: a path that is not there (most masked paths, a root's
    // missing mount targets) is an answer, not an Error with a stack to build.
    lstat(path) {
      try {
        const stats = lstatSync(path, { throwIfNoEntry: false });
        return stats && kindOf(stats);
      } catch {
        return undefined;
      }
    },
    stat(path) {
      try {
        const stats = statSync(path, { throwIfNoEntry: false });
        return stats && kindOf(stats);
      } catch {
        return undefined;
      }
    },
    readlink(path) {
      try {
        return readlinkSync(path);
      } catch {
        return undefined;
      }
    },
    owner(path) {
      try {
        const stats = lstatSync(path, { throwIfNoEntry: false });
        return stats && { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid };
      } catch {
        return undefined;
      }
    },
    cgroupLayout() {
      if (statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC) return { mode: 'unified' };
      const { hierarchies, unified } = parseCgroupMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
      return { mode: 'legacy', hierarchies, unified };
    },
    mountPointOf(path) {
      const real = realpathSync(path);
      let best = '/';
      for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
        const point = unescapeMountinfo(line.split(' ')[4] ?? '');
        const within = point === '/' || real === point || real.startsWith(`${point}/`);
        if (within && point.length > best.length) best = point;
      }
      return best;
    },
    kernelRelease: () => release(),
  };
}
