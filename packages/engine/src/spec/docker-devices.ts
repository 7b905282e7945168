import { posix } from 'node:path';
import { type LinuxDeviceCgroup, parseDeviceCgroupRule } from '@gc/cgroups';
import type { LinuxDevice } from '@gc/rootfs';
import { GcError } from '@gc/syscall';

/** What `--device` needs to know of a host node (node:fs's Stats has it). */
export interface HostNode {
  mode: number;
  rdev: number;
  uid: number;
  gid: number;
}

export interface DeviceOptions {
  privileged?: boolean;
  /** `--device HOST[:CONTAINER[:PERMS]]` values. */
  devices?: string[];
  /** `--device-cgroup-rule` values: `c 13:* rwm`. */
  cgroupRules?: string[];
  /** Stat a host path (the CLI passes node:fs's statSync; the library never reads argv paths itself). */
  stat?: (path: string) => HostNode;
  /**
   * With `privileged`: how to list the host's /dev (node:fs's readdirSync and
   * lstatSync), whose nodes the container then gets, as with Docker. Without:
   * every device is allowed, but /dev has only the default nodes.
   */
  hostDev?: { readdir: (path: string) => string[]; lstat: (path: string) => HostNode };
}

export interface Devices {
  /** OCI `linux.devices`: the nodes `--device` adds to the container's /dev. */
  devices: LinuxDevice[];
  /** OCI `linux.resources.devices`. */
  rules: LinuxDeviceCgroup[];
}

const rwm = (type: 'c' | 'b', major?: number, minor?: number): LinuxDeviceCgroup => ({
  allow: true,
  type,
  ...(major !== undefined ? { major } : {}),
  ...(minor !== undefined ? { minor } : {}),
  access: 'rwm',
});

/**
 * The device rules of `docker run`: moby's (deny all, then null, zero, full,
 * random, urandom, tty and console), followed by those runc adds to every
 * container (mknod of any node, ptmx, the pts devices, tun).
 */
export const DOCKER_DEVICE_RULES: readonly LinuxDeviceCgroup[] = [
  { allow: false, access: 'rwm' },
  ...(
    [
      [1, 5],
      [1, 3],
      [1, 9],
      [1, 8],
      [1, 7],
      [5, 0],
      [5, 1],
    ] as const
  ).map(([major, minor]) => rwm('c', major, minor)),
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  rwm('c', 136),
  rwm('c', 5, 2),
  rwm('c', 10, 200),
];

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/**
 * What runc's HostDevices leaves out of a privileged container's /dev:
 * directories of other filesystems or of their own, the console, and ptmx
 * (the container's is its own devpts').
 */
const HOST_DEV_SKIPPED = new Set([
  '/dev/pts',
  '/dev/shm',
  '/dev/fd',
  '/dev/mqueue',
  '/dev/.lxc',
  '/dev/.lxd-mounts',
  '/dev/.udev',
  '/dev/console',
  '/dev/ptmx',
]);

function deviceNode(path: string, node: HostNode): LinuxDevice | undefined {
  const kind = node.mode & S_IFMT;
  if (kind !== S_IFCHR && kind !== S_IFBLK) return undefined;
  const { major, minor } = splitDev(node.rdev);
  return {
    path,
    type: kind === S_IFCHR ? 'c' : 'b',
    major,
    minor,
    fileMode: node.mode & 0o777,
    uid: node.uid,
    gid: node.gid,
  };
}

/** Every device node under a host directory (not following links): /dev for `--privileged`, or a `--device` directory. */
function hostDevices(hostDev: NonNullable<DeviceOptions['hostDev']>, top = '/dev'): LinuxDevice[] {
  const out: LinuxDevice[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = hostDev.readdir(dir);
    } catch {
      return; // gone meanwhile, or not readable: runc skips it too
    }
    for (const name of names.sort()) {
      const path = `${dir}/${name}`;
      if (HOST_DEV_SKIPPED.has(path)) continue;
      let node: HostNode;
      try {
        node = hostDev.lstat(path);
      } catch {
        continue;
      }
      if ((node.mode & S_IFMT) === S_IFDIR) walk(path);
      else {
        const device = deviceNode(path, node);
        if (device) out.push(device);
      }
    }
  };
  walk(top);
  return out;
}

/** glibc's major()/minor() of a st_rdev. */
function splitDev(rdev: number): { major: number; minor: number } {
  const dev = BigInt(rdev);
  return {
    major: Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)),
    minor: Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)),
  };
}

/** `HOST[:CONTAINER[:PERMS]]`, as docker's parser reads it: a second part of only r, w and m is the permissions. */
function parseDeviceFlag(value: string): { host: string; container: string; access: string } {
  const parts = value.split(':');
  const isAccess = (s: string) => /^[rwm]{1,3}$/.test(s) && new Set(s).size === s.length;
  if (parts.length > 3 || parts.some((p) => p === '')) {
    throw new GcError('EUSAGE', `--device: "${value}": expected HOST[:CONTAINER[:PERMS]] (PERMS some of rwm)`);
  }
  const [host, second, third] = parts as [string, string?, string?];
  let container = host;
  let access = 'rwm';
  if (third !== undefined) {
    container = second as string;
    access = third;
  } else if (second !== undefined) {
    if (isAccess(second)) access = second;
    else container = second;
  }
  if (!isAccess(access)) {
    throw new GcError('EUSAGE', `--device: "${value}": the permissions "${access}" must be some of r, w and m`);
  }
  for (const path of [host, container]) {
    if (!path.startsWith('/')) throw new GcError('EUSAGE', `--device: "${value}": ${path} is not an absolute path`);
  }
  return { host, container, access };
}

/**
 * `docker run`'s devices: its default rules, a node and an allow rule per
 * `--device`, then the `--device-cgroup-rule`s; `--privileged` allows every
 * device instead and gives the host's device nodes. Errors name the flag and
 * the value.
 */
export function dockerDevices(opts: DeviceOptions): Devices {
  const devices: LinuxDevice[] = opts.privileged && opts.hostDev ? hostDevices(opts.hostDev) : [];
  const rules: LinuxDeviceCgroup[] = opts.privileged ? [{ allow: true, access: 'rwm' }] : [...DOCKER_DEVICE_RULES];
  for (const value of opts.devices ?? []) {
    const { host, container, access } = parseDeviceFlag(value);
    if (!opts.stat) throw new GcError('EUSAGE', `--device ${value}: no way to stat the host's ${host}`);
    let node: HostNode;
    try {
      node = opts.stat(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new GcError(
        'EUSAGE',
        `--device: "${value}": cannot stat ${host} on the host (${code ?? (e as Error).message})`,
      );
    }
    let found: LinuxDevice[];
    if ((node.mode & S_IFMT) === S_IFDIR && opts.hostDev) {
      // A directory: every node under it, at the same place under CONTAINER (as Docker).
      found = hostDevices(opts.hostDev, host).map((d) => ({ ...d, path: container + d.path.slice(host.length) }));
      if (found.length === 0) throw new GcError('EUSAGE', `--device: "${value}": ${host} holds no device node`);
    } else {
      const device = deviceNode(container, node);
      if (!device) throw new GcError('EUSAGE', `--device: "${value}": ${host} is not a character or block device`);
      found = [device];
    }
    if (!posix.normalize(container).startsWith('/dev/')) {
      // A node elsewhere would be made in the root's own directory, and outlive the container there.
      throw new GcError('EUSAGE', `--device: "${value}": the container path ${container} is not under /dev`);
    }
    for (const device of found) {
      devices.push(device);
      if (!opts.privileged)
        rules.push({ allow: true, type: device.type, major: device.major, minor: device.minor, access });
    }
  }
  for (const text of opts.cgroupRules ?? []) rules.push(parseDeviceCgroupRule(text, '--device-cgroup-rule'));
  return { devices, rules };
}
