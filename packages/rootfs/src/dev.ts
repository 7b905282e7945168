import { posix } from 'node:path';
import {
  AT_FDCWD,
  AT_SYMLINK_NOFOLLOW,
  GcError,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  type ProgramScope,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
} from '@gc/syscall';
import { containerPath } from './container-path.js';
import type { RootResolver } from './resolve-in-root.js';
import type { Mount } from './types.js';

/** A device node a container gets in /dev. */
export interface Device {
  /** Absolute path in the container: `/dev/null`. */
  readonly path: string;
  /** Character, block, or a FIFO (`p`, no numbers). */
  readonly type: 'c' | 'b' | 'p';
  readonly major: number;
  readonly minor: number;
  /** Permission bits: 0o666. */
  readonly fileMode: number;
  /** The node's owner, when not root. */
  readonly uid?: number;
  readonly gid?: number;
}

/** OCI `linux.devices[]`, as config.json has it. */
export interface LinuxDevice {
  path: string;
  /** `c`, `b`, `u` (a character device too) or `p` (a FIFO). */
  type: string;
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/**
 * The nodes of a fresh /dev: the default ones, then OCI `linux.devices`
 * (one at a default's path takes its place). Errors name the field.
 */
export function containerDevices(extra: readonly LinuxDevice[] | undefined, field = 'linux.devices'): Device[] {
  const out = new Map(defaultDevices().map((d) => [d.path, d]));
  if (extra !== undefined && !Array.isArray(extra)) throw new GcError('EROOTFS_DEVICE', `${field}: expected an array`);
  (extra ?? []).forEach((d, i) => {
    const f = `${field}[${i}]`;
    const bad = (what: string, expected: string, got: unknown) =>
      new GcError('EROOTFS_DEVICE', `${f}.${what}: expected ${expected}, got ${JSON.stringify(got)}`);
    if (typeof d !== 'object' || d === null) throw new GcError('EROOTFS_DEVICE', `${f}: expected a device object`);
    const path = containerPath(d.path, `${f}.path`);
    // Made in the container's own /dev (a tmpfs): elsewhere a node would be
    // made in the root's directory on the host, and stay there.
    if (!path.startsWith('/dev/')) {
      throw new GcError('EROOTFS_DEVICE', `${f}.path: ${JSON.stringify(d.path)} is not under /dev`);
    }
    if (!['c', 'b', 'u', 'p'].includes(d.type)) throw bad('type', '"c", "b", "u" or "p"', d.type);
    const type = d.type === 'u' ? 'c' : (d.type as Device['type']);
    const int = (what: 'major' | 'minor' | 'fileMode' | 'uid' | 'gid', max: number, fallback?: number) => {
      const n = d[what] ?? fallback;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
        throw bad(what, `an integer from 0 to ${max}`, d[what]);
      }
      return n;
    };
    const major = type === 'p' ? 0 : int('major', 0xfff);
    const minor = type === 'p' ? 0 : int('minor', 0xfffff);
    out.set(path, {
      path,
      type,
      major,
      minor,
      fileMode: int('fileMode', 0o7777, 0o666),
      ...(d.uid !== undefined ? { uid: int('uid', 0xfffffffe) } : {}),
      ...(d.gid !== undefined ? { gid: int('gid', 0xfffffffe) } : {}),
    });
  });
  return [...out.values()];
}

/** The nodes every container gets, as runc and Docker create them. */
export function defaultDevices(): Device[] {
  const chr = (name: string, major: number, minor: number): Device => ({
    path: `/dev/${name}`,
    type: 'c',
    major,
    minor,
    fileMode: 0o666,
  });
  return [
    chr('null', 1, 3),
    chr('zero', 1, 5),
    chr('full', 1, 7),
    chr('random', 1, 8),
    chr('urandom', 1, 9),
    chr('tty', 5, 0),
  ];
}

/**
 * The dev_t mknodat(2) takes (an unsigned int, the kernel's new_encode_dev):
 * the low 8 bits of the minor, then 12 bits of major, then the rest of the minor.
 */
export function makedev(major: number, minor: number): number {
  if (!Number.isInteger(major) || major < 0 || major > 0xfff)
    throw new RangeError(`device major ${major} is not in 0..4095`);
  if (!Number.isInteger(minor) || minor < 0 || minor > 0xfffff)
    throw new RangeError(`device minor ${minor} is not in 0..1048575`);
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** The links runc puts in /dev; `core` only where the kernel has /proc/kcore. */
export function devSymlinks(kcore: boolean): Array<readonly [name: string, target: string]> {
  const links: Array<readonly [string, string]> = [
    ['fd', '/proc/self/fd'],
    ['stdin', '/proc/self/fd/0'],
    ['stdout', '/proc/self/fd/1'],
    ['stderr', '/proc/self/fd/2'],
  ];
  if (kcore) links.push(['core', '/proc/kcore']);
  links.push(['ptmx', 'pts/ptmx']);
  return links;
}

/** Does the plan put a fresh filesystem (not a bind of the host's) on /dev? Then we populate it, as runc does. */
export function mountsFreshDev(
  mounts: readonly { readonly destination: string; readonly kind: 'bind' | 'fs' }[],
): boolean {
  const dev = mounts.filter((m) => m.destination === '/dev');
  return dev.length > 0 && dev.at(-1)?.kind === 'fs';
}

export interface DevOptions {
  readonly devices: readonly Device[];
  /** Bind the host's nodes instead of mknod (a user namespace cannot mknod). */
  readonly bindFromHost: boolean;
  /** Whether /proc/kcore exists on this kernel (for the `core` link). */
  readonly kcore: boolean;
}

/**
 * Populate a fresh /dev: the nodes (mknodat, then fchmodat since mknodat obeys
 * the umask the child inherited from Node), or in a user namespace an empty
 * file with the host's node bind-mounted on it; then the links.
 */
export function planDev(p: ProgramScope, root: RootResolver, options: DevOptions): void {
  if (options.bindFromHost) {
    for (const device of options.devices) {
      root.ensureFile(device.path);
      const tree = p.syscall(
        'open_tree',
        [AT_FDCWD, device.path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC],
        `clone the host's ${device.path}`,
      );
      root.attach(tree, device.path, `bind the host's ${device.path} on ${device.path}`, `the clone of ${device.path}`);
      root.mounted(device.path, 'file');
    }
  } else {
    const byDir = new Map<string, Device[]>();
    for (const device of options.devices) {
      const parent = posix.dirname(device.path);
      byDir.set(parent, [...(byDir.get(parent) ?? []), device]);
    }
    for (const [parent, devices] of byDir) {
      root.ensureDir(parent);
      const dir = root.open(parent);
      for (const device of devices) {
        const name = posix.basename(device.path);
        const type = device.type === 'b' ? S_IFBLK : device.type === 'p' ? S_IFIFO : S_IFCHR;
        const what = device.type === 'p' ? 'FIFO' : `${device.type} ${device.major}:${device.minor}`;
        p.syscall(
          'mknodat',
          [dir, name, type | device.fileMode, makedev(device.major, device.minor)],
          `create the device ${device.path} (${what})`,
        );
        p.syscall(
          'fchmodat',
          [dir, name, device.fileMode, 0],
          `set the mode of ${device.path} to 0${device.fileMode.toString(8)}`,
        );
        if (device.uid !== undefined || device.gid !== undefined) {
          const uid = device.uid ?? -1;
          const gid = device.gid ?? -1;
          p.syscall(
            'fchownat',
            [dir, name, uid, gid, AT_SYMLINK_NOFOLLOW],
            `give ${device.path} to ${device.uid ?? '-'}:${device.gid ?? '-'}`,
          );
        }
      }
      root.close(dir, parent);
    }
  }
  const dev = root.open('/dev');
  for (const [name, target] of devSymlinks(options.kcore)) {
    p.syscall('symlinkat', [target, dev, name], `link /dev/${name} to ${target}`);
  }
  root.close(dev, '/dev');
}

/** Docker's default mounts: proc, a tmpfs /dev, devpts, a read-only sysfs, the cgroups, mqueue and shm. */
export function defaultMounts(): Mount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev',
      type: 'tmpfs',
      source: 'tmpfs',
      options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
    },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'],
    },
  ];
}
