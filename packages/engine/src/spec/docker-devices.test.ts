import { describe, expect, it } from 'vitest';
import { DOCKER_DEVICE_RULES, dockerDevices, type HostNode } from './docker-devices.js';

const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;
/** A fake host: /dev/fuse (10:229), a disk with a large minor, a file. */
const HOST: Record<string, HostNode> = {
  '/dev/fuse': { mode: S_IFCHR | 0o600, rdev: (10 << 8) | 229, uid: 0, gid: 0 },
  // glibc's makedev(259, 300): minor bits above the low byte sit above the major.
  '/dev/nvme0n1p9': { mode: S_IFBLK | 0o660, rdev: (300 & 0xff) | (259 << 8) | ((300 & ~0xff) << 12), uid: 0, gid: 6 },
  '/etc/passwd': { mode: 0o100644, rdev: 0, uid: 0, gid: 0 },
};
const stat = (path: string): HostNode => {
  const node = HOST[path];
  if (!node) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return node;
};

/** A host /dev to walk. */
const dir = { mode: 0o040755, rdev: 0, uid: 0, gid: 0 };
const tree: Record<string, HostNode | string[]> = {
  '/dev': ['net', 'pts', 'fuse', 'ptmx', 'console', 'stdin', 'shm', 'vanished'],
  '/dev/net': ['tun'],
  '/dev/net/tun': { mode: S_IFCHR | 0o666, rdev: (10 << 8) | 200, uid: 0, gid: 0 },
  '/dev/fuse': HOST['/dev/fuse'] as HostNode,
  '/dev/ptmx': { mode: S_IFCHR | 0o666, rdev: (5 << 8) | 2, uid: 0, gid: 0 },
  '/dev/console': { mode: S_IFCHR | 0o600, rdev: (5 << 8) | 1, uid: 0, gid: 0 },
  '/dev/stdin': { mode: 0o120777, rdev: 0, uid: 0, gid: 0 },
};
const hostDev = {
  readdir: (path: string) => {
    const names = tree[path];
    if (!Array.isArray(names)) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
    return names;
  },
  lstat: (path: string) => {
    const entry = tree[path];
    if (entry === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return Array.isArray(entry) ? dir : entry;
  },
};

describe('dockerDevices', () => {
  it("gives Docker's rules by default: deny all, mknod of anything, the usual nodes", () => {
    const { devices, rules } = dockerDevices({});
    expect(devices).toEqual([]);
    expect(rules).toEqual(DOCKER_DEVICE_RULES);
    const line = (r: (typeof rules)[number]) =>
      `${r.allow ? 'allow' : 'deny'} ${r.type ?? 'a'} ${r.major ?? '*'}:${r.minor ?? '*'} ${r.access}`;
    expect(rules.map(line)).toEqual([
      'deny a *:* rwm',
      'allow c 1:5 rwm',
      'allow c 1:3 rwm',
      'allow c 1:9 rwm',
      'allow c 1:8 rwm',
      'allow c 1:7 rwm',
      'allow c 5:0 rwm',
      'allow c 5:1 rwm',
      'allow c *:* m',
      'allow b *:* m',
      'allow c 136:* rwm',
      'allow c 5:2 rwm',
      'allow c 10:200 rwm',
    ]);
  });

  it('--device makes the node with the host mode and owner, and allows it with its permissions', () => {
    const { devices, rules } = dockerDevices({
      devices: ['/dev/fuse', '/dev/nvme0n1p9:/dev/disk:r', '/dev/fuse:rw'],
      cgroupRules: ['c 13:* rwm'],
      stat,
    });
    expect(devices).toEqual([
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 },
      { path: '/dev/disk', type: 'b', major: 259, minor: 300, fileMode: 0o660, uid: 0, gid: 6 },
      { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 },
    ]);
    expect(rules.slice(DOCKER_DEVICE_RULES.length)).toEqual([
      { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' },
      { allow: true, type: 'b', major: 259, minor: 300, access: 'r' },
      { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
      { allow: true, type: 'c', major: 13, access: 'rwm' },
    ]);
  });

  it("--privileged allows every device, and gives the host's nodes but ptmx, console, pts and the like", () => {
    expect(dockerDevices({ privileged: true })).toEqual({ devices: [], rules: [{ allow: true, access: 'rwm' }] });
    const { devices, rules } = dockerDevices({ privileged: true, hostDev, devices: ['/dev/fuse:/dev/f2'], stat });
    expect(devices.map((d) => `${d.path} ${d.type} ${d.major}:${d.minor}`)).toEqual([
      '/dev/fuse c 10:229',
      '/dev/net/tun c 10:200',
      '/dev/f2 c 10:229',
    ]);
    expect(rules).toEqual([{ allow: true, access: 'rwm' }]);
  });

  it('--device DIR adds every node under it, at the same place under CONTAINER', () => {
    const { devices, rules } = dockerDevices({ devices: ['/dev/net:/dev/n:rw'], stat: hostDev.lstat, hostDev });
    expect(devices).toEqual([
      { path: '/dev/n/tun', type: 'c', major: 10, minor: 200, fileMode: 0o666, uid: 0, gid: 0 },
    ]);
    expect(rules.at(-1)).toEqual({ allow: true, type: 'c', major: 10, minor: 200, access: 'rw' });
    tree['/dev/empty'] = [];
    expect(() => dockerDevices({ devices: ['/dev/empty'], stat: hostDev.lstat, hostDev })).toThrow(
      '--device: "/dev/empty": /dev/empty holds no device node',
    );
  });

  it('names the flag and the value it cannot use', () => {
    const cases: [string[], string][] = [
      [['/nope'], '--device: "/nope": cannot stat /nope on the host (ENOENT)'],
      [['/etc/passwd'], '--device: "/etc/passwd": /etc/passwd is not a character or block device'],
      [
        ['/dev/fuse:/dev/fuse:rwx'],
        '--device: "/dev/fuse:/dev/fuse:rwx": the permissions "rwx" must be some of r, w and m',
      ],
      [
        ['/dev/fuse:/dev/fuse:rr'],
        '--device: "/dev/fuse:/dev/fuse:rr": the permissions "rr" must be some of r, w and m',
      ],
      [['/dev/fuse:fuse'], '--device: "/dev/fuse:fuse": fuse is not an absolute path'],
      [['/dev/fuse:/mnt/fuse'], '--device: "/dev/fuse:/mnt/fuse": the container path /mnt/fuse is not under /dev'],
      [['a:b:c:d'], '--device: "a:b:c:d": expected HOST[:CONTAINER[:PERMS]] (PERMS some of rwm)'],
    ];
    for (const [devices, message] of cases) expect(() => dockerDevices({ devices, stat })).toThrow(message);
    expect(() => dockerDevices({ cgroupRules: ['c 1:3'] })).toThrow(
      '--device-cgroup-rule: "c 1:3": expected TYPE MAJOR:MINOR ACCESS',
    );
  });
});
