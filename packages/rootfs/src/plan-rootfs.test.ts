import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_RECURSIVE,
  FSCONFIG_SET_STRING,
  MOUNT_ATTR_NODEV,
  MOUNT_ATTR_NOEXEC,
  MOUNT_ATTR_NOSUID,
  MOUNT_ATTR_RDONLY,
  MS_BIND,
  MS_MOVE,
  MS_PRIVATE,
  MS_REC,
  MS_SHARED,
  MS_SLAVE,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  OpRef,
  Program,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
  S_IFBLK,
  S_IFCHR,
  S_IFREG,
} from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { defaultMounts, makedev } from './dev.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './masked-paths.js';
import { planRootfs } from './plan-rootfs.js';
import { fakeHost, KERNEL_PATHS } from './test-support/fake-host.js';
import type { RootfsInput } from './types.js';

const ROOT = '/run/gc/c1/rootfs';
/** A busybox-like image: these directories exist in the root. */
const IMAGE = {
  [ROOT]: 'dir',
  [`${ROOT}/proc`]: 'dir',
  [`${ROOT}/dev`]: 'dir',
  [`${ROOT}/sys`]: 'dir',
  [`${ROOT}/tmp`]: 'dir',
} as const;

function plan(input: Partial<RootfsInput>, host = fakeHost({ ...IMAGE, ...KERNEL_PATHS })) {
  const program = new Program({ arch: 'x64' });
  const result = planRootfs(program, { root: { path: ROOT }, mounts: [], ...input }, { host });
  return { program, result, ops: program.ops };
}

const steps = (program: Program) => program.ops.map((op) => `${op.syscall ?? op.kind}: ${op.label}`);

describe('planRootfs', () => {
  it('makes / private, binds the root on itself, opens it, then pivots', () => {
    const { program } = plan({});
    expect(steps(program)).toEqual([
      'mount: make / rprivate',
      `mount: bind the root ${ROOT} on itself`,
      `openat: open the root ${ROOT}`,
      'fchdir: change to the root',
      'pivot_root: pivot_root into the root',
      'umount2: detach the old root',
      'chdir: change to /',
      'close: close the root fd',
    ]);
    expect(program.ops[0]?.args).toEqual([null, '/', null, MS_REC | MS_PRIVATE, null]);
    expect(program.ops[1]?.args).toEqual([ROOT, ROOT, null, MS_BIND | MS_REC, null]);
    expect(program.ops.every((op) => op.pkg === '@gc/rootfs')).toBe(true);
  });

  it('uses the requested propagation', () => {
    expect(plan({ propagation: 'rslave' }).ops[0]?.args[3]).toBe(MS_REC | MS_SLAVE);
    expect(plan({ propagation: 'private' }).ops[0]?.args[3]).toBe(MS_PRIVATE);
    expect(() => plan({ propagation: 'bogus' as never })).toThrow(
      'propagation: "bogus" is not one of private, rprivate',
    );
  });

  it('with a shared propagation, unshares what pivot_root refuses and shares / again after', () => {
    const { program } = plan({ propagation: 'rshared' }, fakeHost(IMAGE, { mountPoint: '/run' }));
    expect(steps(program)).toEqual([
      'mount: make / rshared',
      `mount: bind the root ${ROOT} on itself`,
      `openat: open the root ${ROOT}`,
      'fchdir: change to the root',
      'mount: make the old / private for the pivot',
      'mount: make /run (holding the root) private for the pivot',
      'mount: make the root private for the pivot',
      'pivot_root: pivot_root into the root',
      'umount2: detach the old root',
      'chdir: change to /',
      'mount: make / rshared again',
      'close: close the root fd',
    ]);
    expect(program.ops[10]?.args[3]).toBe(MS_SHARED | MS_REC);
  });

  it('with noPivot moves the root onto / and chroots', () => {
    const labels = steps(plan({ noPivot: true }).program);
    expect(labels.slice(3)).toEqual([
      'fchdir: change to the root',
      'mount: move the root onto /',
      'chroot: chroot into the root',
      'chdir: change to /',
      'close: close the root fd',
    ]);
    expect(plan({ noPivot: true }).ops[4]?.args).toEqual(['.', '/', null, MS_MOVE, null]);
  });

  it('mounts a filesystem with the new mount API on a target opened inside the root', () => {
    const { program } = plan({
      mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }],
    });
    const ops = program.ops.slice(3, 12);
    expect(ops.map((op) => `${op.syscall}: ${op.label}`)).toEqual([
      'fsopen: open a proc filesystem for /proc',
      'fsconfig: set source=proc on the proc for /proc',
      'fsconfig: create the proc filesystem for /proc',
      'fsmount: make a proc mount for /proc',
      'close: close the proc filesystem context for /proc',
      'openat2: open /proc in the root',
      'move_mount: mount proc on /proc',
      'close: close /proc',
      'close: close the proc mount for /proc',
    ]);
    const [, , , fsmount, , open, move] = ops;
    expect(fsmount?.args[2]).toBe(MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
    // The target is opened relative to the root fd (op 2).
    expect(open?.args[0]).toBeInstanceOf(OpRef);
    expect(String(open?.args[0])).toBe('$2');
    expect(open?.args[1]).toBe('proc');
    // struct open_how: O_PATH|O_CLOEXEC, RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS.
    expect(program.toString()).toContain(`resolve: ${RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS}`);
    expect(String(move?.args[0])).toBe(`$${fsmount?.index}`);
    expect(String(move?.args[2])).toBe(`$${open?.index}`);
  });

  it('creates a missing target component by component, relative to fds opened in the root', () => {
    const { program } = plan({ mounts: [{ destination: '/var/lib/data', type: 'tmpfs' }] });
    expect(steps(program).slice(3, 11)).toEqual([
      'mkdirat: create /var in the root',
      'openat2: open /var in the root',
      'mkdirat: create /var/lib in the root',
      'close: close /var',
      'openat2: open /var/lib in the root',
      'mkdirat: create /var/lib/data in the root',
      'close: close /var/lib',
      'fsopen: open a tmpfs filesystem for /var/lib/data',
    ]);
    const mkdirs = program.ops.filter((op) => op.syscall === 'mkdirat');
    expect(mkdirs.map((op) => op.args[1])).toEqual(['var', 'lib', 'data']);
    expect(mkdirs.every((op) => op.tolerate.length === 1)).toBe(true);
  });

  it('does not trust a symlink seen while planning: the mkdirs are planned, resolved in the root', () => {
    const host = fakeHost({ ...IMAGE, [`${ROOT}/evil`]: 'symlink' });
    const labels = steps(plan({ mounts: [{ destination: '/evil/x', type: 'tmpfs' }] }, host).program);
    expect(labels).toContain('mkdirat: create /evil in the root');
    expect(labels).toContain('openat2: open /evil in the root');
  });

  it("a file bind onto a dangling symlink of the image makes the link's target inside the root", () => {
    const links = {
      [`${ROOT}/etc/resolv.conf`]: '../run/systemd/resolve/stub-resolv.conf',
      [`${ROOT}/run`]: '/../../var/run',
    };
    const host = fakeHost(
      {
        ...IMAGE,
        [`${ROOT}/etc`]: 'dir',
        [`${ROOT}/etc/resolv.conf`]: 'symlink',
        [`${ROOT}/run`]: 'symlink',
        '/host/resolv.conf': 'file',
      },
      { links },
    );
    const mounts = [{ destination: '/etc/resolv.conf', type: 'bind', source: '/host/resolv.conf', options: ['rbind'] }];
    const labels = steps(plan({ mounts }, host).program);
    // /run leads to /var/run (never above the root): the file is made there, then the bind lands on it.
    expect(labels.filter((l) => l.startsWith('mkdirat') || l.startsWith('mknodat'))).toEqual([
      'mkdirat: create /var in the root',
      'mkdirat: create /var/run in the root',
      'mkdirat: create /var/run/systemd in the root',
      'mkdirat: create /var/run/systemd/resolve in the root',
      'mknodat: create the file /var/run/systemd/resolve/stub-resolv.conf in the root',
    ]);
    expect(labels).toContain('move_mount: rbind /host/resolv.conf on /etc/resolv.conf');
  });

  it('plans a bind: open_tree, mount_setattr, move_mount; a file source gets a file target', () => {
    const host = fakeHost({ ...IMAGE, '/host/data': 'dir', '/host/hosts': 'file' });
    const { program } = plan(
      {
        mounts: [
          { destination: '/data', type: 'bind', source: '/host/data', options: ['rbind', 'ro', 'rprivate'] },
          { destination: '/etc/hosts', type: 'bind', source: '/host/hosts', options: ['bind'] },
        ],
      },
      host,
    );
    const labels = steps(program);
    expect(labels).toContain('mkdirat: create /data in the root');
    expect(labels).toContain('open_tree: clone /host/data for /data');
    expect(labels).toContain('mount_setattr: set the options of every mount under /host/data for /data');
    expect(labels).toContain('mount_setattr: set the options of the bind of /host/data on /data');
    expect(labels).toContain('move_mount: rbind /host/data on /data (ro,rprivate)');
    expect(labels).toContain('mknodat: create the file /etc/hosts in the root');
    expect(labels).toContain('move_mount: bind /host/hosts on /etc/hosts');
    const tree = program.ops.find((op) => op.label === 'clone /host/data for /data');
    expect(tree?.args).toEqual([AT_FDCWD, '/host/data', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE]);
    const file = program.ops.find((op) => op.syscall === 'mknodat');
    expect(file?.args[2]).toBe(S_IFREG | 0o644);
    const clone = program.ops.find((op) => op.label === 'clone /host/hosts for /etc/hosts');
    expect(clone?.args[2]).toBe(OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    // A plain bind without options changes no attribute.
    expect(labels.filter((l) => l.includes('/host/hosts') && l.startsWith('mount_setattr'))).toEqual([]);
    const text = program.toString();
    expect(text).toContain(`{attr_set: 0, attr_clr: 0, propagation: ${MS_PRIVATE}, userns_fd: 0}`);
    expect(text).toContain(`{attr_set: ${MOUNT_ATTR_RDONLY}, attr_clr: 0, propagation: 0, userns_fd: 0}`);
  });

  it('makes every mount of an rro bind read-only: mount_setattr(AT_RECURSIVE) on the clone, before it is attached', () => {
    const host = fakeHost({ ...IMAGE, '/': 'dir' });
    const { program } = plan(
      { mounts: [{ destination: '/host', type: 'bind', source: '/', options: ['rbind', 'rprivate', 'rro'] }] },
      host,
    );
    const labels = steps(program);
    const setattr = labels.indexOf('mount_setattr: set the options of every mount under / for /host');
    expect(setattr).toBeGreaterThan(labels.indexOf('open_tree: clone / for /host'));
    expect(setattr).toBeLessThan(labels.indexOf('move_mount: rbind / on /host (rprivate,rro)'));
    const op = program.ops.find((o) => o.label === 'set the options of every mount under / for /host');
    expect(op?.args[2]).toBe(AT_EMPTY_PATH | AT_RECURSIVE);
    expect(program.toString()).toContain(
      `{attr_set: ${MOUNT_ATTR_RDONLY}, attr_clr: 0, propagation: ${MS_PRIVATE}, userns_fd: 0}`,
    );
  });

  it('refuses rro on a kernel without mount_setattr (before 5.12), naming the option', () => {
    const host = fakeHost({ ...IMAGE, '/srv': 'dir' }, { kernel: '5.10.0-28-amd64' });
    const program = new Program({ arch: 'x64' });
    const input: RootfsInput = {
      root: { path: ROOT },
      mounts: [
        { destination: '/a', type: 'bind', source: '/srv', options: ['rbind', 'ro'] },
        { destination: '/b', type: 'bind', source: '/srv', options: ['rbind', 'rprivate', 'rro'] },
      ],
    };
    expect(() => planRootfs(program, input, { host })).toThrow(
      'mounts[1].options[2]: "rro" needs mount_setattr(2) with AT_RECURSIVE, Linux 5.12 or later (this kernel is 5.10.0-28-amd64)',
    );
    expect(program.ops).toEqual([]);
    expect(() => planRootfs(program, { ...input, mounts: input.mounts.slice(0, 1) }, { host })).not.toThrow();
  });

  it('populates /dev when a tmpfs is mounted on it', () => {
    const { program, result } = plan({ mounts: defaultMounts().slice(0, 3) });
    expect(result.devCreated).toBe(true);
    const mknods = program.ops.filter((op) => op.syscall === 'mknodat');
    expect(mknods.map((op) => [op.args[1], op.args[2], op.args[3]])).toEqual([
      ['null', S_IFCHR | 0o666, 0x103],
      ['zero', S_IFCHR | 0o666, 0x105],
      ['full', S_IFCHR | 0o666, 0x107],
      ['random', S_IFCHR | 0o666, 0x108],
      ['urandom', S_IFCHR | 0o666, 0x109],
      ['tty', S_IFCHR | 0o666, 0x500],
    ]);
    expect(program.ops.filter((op) => op.syscall === 'fchmodat')).toHaveLength(6);
    const links = program.ops.filter((op) => op.syscall === 'symlinkat').map((op) => op.label);
    expect(links).toEqual([
      'link /dev/fd to /proc/self/fd',
      'link /dev/stdin to /proc/self/fd/0',
      'link /dev/stdout to /proc/self/fd/1',
      'link /dev/stderr to /proc/self/fd/2',
      'link /dev/core to /proc/kcore',
      'link /dev/ptmx to pts/ptmx',
    ]);
    // /dev/pts is made inside the tmpfs, not trusted from the image.
    expect(steps(program)).toContain('mkdirat: create /dev/pts in the root');
  });

  it('makes the OCI linux.devices nodes with their mode and owner, one at a default path replacing it', () => {
    const { program } = plan({
      mounts: defaultMounts().slice(1, 2),
      devices: [
        { path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o660, uid: 1000, gid: 5 },
        { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o600 },
        { path: '/dev/net/tun', type: 'u', major: 10, minor: 200 },
        { path: '/dev/loop0', type: 'b', major: 7, minor: 0 },
      ],
    });
    const mknods = program.ops
      .filter((op) => op.syscall === 'mknodat')
      .map((op) => [op.args[1], op.args[2], op.args[3]]);
    expect(mknods).toContainEqual(['fuse', S_IFCHR | 0o660, makedev(10, 229)]);
    expect(mknods).toContainEqual(['null', S_IFCHR | 0o600, 0x103]);
    expect(mknods).toContainEqual(['tun', S_IFCHR | 0o666, makedev(10, 200)]);
    expect(mknods).toContainEqual(['loop0', S_IFBLK | 0o666, makedev(7, 0)]);
    expect(mknods.filter(([name]) => name === 'null')).toHaveLength(1);
    const labels = steps(program);
    expect(labels).toContain('fchownat: give /dev/fuse to 1000:5');
    expect(labels).toContain('mkdirat: create /dev/net in the root');
  });

  it('names the linux.devices field that is wrong', () => {
    const dev = defaultMounts().slice(1, 2);
    expect(() => plan({ mounts: dev, devices: [{ path: 'dev/x', type: 'c', major: 1, minor: 1 }] })).toThrow(
      'linux.devices[0].path: "dev/x" is not absolute',
    );
    expect(() => plan({ mounts: dev, devices: [{ path: '/dev/x', type: 'x' }] })).toThrow(
      'linux.devices[0].type: expected "c", "b", "u" or "p", got "x"',
    );
    expect(() => plan({ mounts: dev, devices: [{ path: '/dev/x', type: 'c', major: 4096, minor: 0 }] })).toThrow(
      'linux.devices[0].major: expected an integer from 0 to 4095, got 4096',
    );
    expect(() => plan({ devices: [{ path: '/dev/x', type: 'c', major: 1, minor: 1 }] })).toThrow(
      'linux.devices: needs a tmpfs mounted on /dev',
    );
  });

  it('binds the host device nodes in a user namespace', () => {
    const { program } = plan({ mounts: defaultMounts().slice(1, 2), userNamespace: true });
    const labels = steps(program);
    expect(program.ops.some((op) => op.syscall === 'mknodat' && (op.args[2] as number) & S_IFCHR)).toBe(false);
    expect(labels).toContain('mknodat: create the file /dev/null in the root');
    expect(labels).toContain("open_tree: clone the host's /dev/null");
    expect(labels).toContain("move_mount: bind the host's /dev/null on /dev/null");
  });

  it('does not populate a /dev bound from the host', () => {
    const host = fakeHost({ ...IMAGE, '/dev': 'dir' });
    const { result, program } = plan({ mounts: [{ destination: '/dev', source: '/dev', options: ['rbind'] }] }, host);
    expect(result.devCreated).toBe(false);
    expect(program.ops.some((op) => op.syscall === 'mknodat')).toBe(false);
  });

  it("masks and makes read-only Docker's paths, skipping what this kernel lacks", () => {
    const { program, result } = plan({
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    });
    expect(result.maskedPaths).toEqual([
      '/proc/acpi',
      '/proc/kcore',
      '/proc/keys',
      '/proc/timer_list',
      '/sys/firmware',
    ]);
    expect(result.readonlyPaths).toEqual([...DEFAULT_READONLY_PATHS]);
    const labels = steps(program);
    expect(labels).toContain('open_tree: clone /dev/null to mask /proc/kcore');
    expect(labels).toContain('move_mount: mask /proc/kcore');
    expect(labels).toContain('fsmount: make a tmpfs mount for /proc/acpi');
    expect(labels).toContain('move_mount: mask /proc/acpi');
    expect(labels).not.toContain('move_mount: mask /proc/asound');
    expect(labels).toContain('move_mount: make /proc/sys read-only');
    // Read-only paths first, then masks, as runc; all before the pivot.
    expect(labels.indexOf('move_mount: make /proc/sysrq-trigger read-only')).toBeLessThan(
      labels.indexOf('move_mount: mask /proc/acpi'),
    );
    expect(labels.indexOf('move_mount: mask /sys/firmware')).toBeLessThan(
      labels.indexOf('pivot_root: pivot_root into the root'),
    );
    const tmpfs = program.ops.find((op) => op.label === 'make a tmpfs mount for /proc/acpi');
    expect(tmpfs?.args[2]).toBe(MOUNT_ATTR_RDONLY);
    const clone = program.ops.find((op) => op.label === 'clone /proc/sys to make it read-only');
    expect(clone?.args.slice(1)).toEqual(['', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE]);
    expect(program.toString()).toContain(
      `{attr_set: ${MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC}, attr_clr: 0`,
    );
  });

  it('makes the root read-only after the pivot, creates cwd before it and changes to it last', () => {
    const labels = steps(plan({ root: { path: ROOT, readonly: true }, cwd: '/tmp/work' }).program);
    expect(labels.slice(-6)).toEqual([
      'pivot_root: pivot_root into the root',
      'umount2: detach the old root',
      'chdir: change to /',
      'close: close the root fd',
      'mount_setattr: make / read-only',
      'chdir: change to the working directory /tmp/work',
    ]);
    // /tmp exists in the image: only /tmp/work is made.
    expect(labels).toContain('mkdirat: create /tmp/work in the root');
    expect(labels).not.toContain('mkdirat: create /tmp in the root');
  });

  it('mounts cgroup2 on a unified host', () => {
    const labels = steps(plan({ mounts: [defaultMounts()[4] as never] }).program);
    expect(labels).toContain('fsopen: open a cgroup2 filesystem for /sys/fs/cgroup');
    expect(labels).toContain('move_mount: mount cgroup2 on /sys/fs/cgroup');
  });

  it('on a v1 host mounts a tmpfs with each hierarchy in it, read-only last', () => {
    const host = fakeHost(IMAGE, {
      cgroups: {
        mode: 'legacy',
        unified: true,
        hierarchies: [
          { dir: 'cpu,cpuacct', options: ['cpu', 'cpuacct'] },
          { dir: 'systemd', options: ['xattr', 'name=systemd'] },
        ],
      },
    });
    const { program } = plan({ mounts: [defaultMounts()[4] as never] }, host);
    const labels = steps(program);
    expect(labels).toContain('move_mount: mount tmpfs on /sys/fs/cgroup for the cgroup hierarchies');
    expect(labels).toContain('move_mount: mount cgroup cpu,cpuacct on /sys/fs/cgroup/cpu,cpuacct');
    expect(labels).toContain('symlinkat: link /sys/fs/cgroup/cpu to cpu,cpuacct');
    expect(labels).toContain('fsconfig: set name=systemd on the cgroup for /sys/fs/cgroup/systemd');
    expect(labels).toContain('fsconfig: set xattr on the cgroup for /sys/fs/cgroup/systemd');
    // No cgroup namespace: the host's cgroup2 mount is cloned, not mounted anew.
    expect(labels).toContain('open_tree: clone /sys/fs/cgroup/unified for /sys/fs/cgroup/unified');
    expect(labels).not.toContain('fsopen: open a cgroup2 filesystem for /sys/fs/cgroup/unified');
    expect(labels).toContain('move_mount: bind /sys/fs/cgroup/unified on /sys/fs/cgroup/unified');
    expect(labels.indexOf('mount_setattr: make the tmpfs on /sys/fs/cgroup read-only')).toBeGreaterThan(
      labels.indexOf('move_mount: bind /sys/fs/cgroup/unified on /sys/fs/cgroup/unified'),
    );
    const hierarchy = program.ops.find((op) => op.label === 'make a cgroup mount for /sys/fs/cgroup/systemd');
    expect(hierarchy?.args[2]).toBe(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  });

  it('on a hybrid host gives a container with a cgroup namespace a cgroup2 of its own', () => {
    const host = fakeHost(IMAGE, {
      cgroups: { mode: 'legacy', unified: true, hierarchies: [{ dir: 'memory', options: ['memory'] }] },
    });
    const labels = steps(plan({ mounts: [defaultMounts()[4] as never], cgroupNamespace: true }, host).program);
    expect(labels).toContain('fsopen: open a cgroup2 filesystem for /sys/fs/cgroup/unified');
    expect(labels).toContain('move_mount: mount cgroup2 on /sys/fs/cgroup/unified');
    expect(labels.some((l) => l.startsWith('open_tree:'))).toBe(false);
  });

  it('assembles an overlay root in the child with one lowerdir+ per layer', () => {
    const input: Partial<RootfsInput> = {
      root: { overlay: { lower: ['/layers/b', '/layers/a:1'], upper: '/c/upper', work: '/c/work' } },
    };
    const { program, result } = plan(input);
    expect(result.rootPath).toBe('/c/merged');
    const configs = program.ops.filter((op) => op.syscall === 'fsconfig' && op.args[1] === FSCONFIG_SET_STRING);
    expect(configs.map((op) => `${op.args[2]}=${op.args[3]}`)).toEqual([
      'source=overlay',
      'lowerdir+=/layers/b',
      'lowerdir+=/layers/a:1',
      'upperdir=/c/upper',
      'workdir=/c/work',
    ]);
    expect(steps(program).slice(7, 12)).toEqual([
      'fsconfig: create the root overlay',
      'fsmount: make a mount of the root overlay',
      'close: close the overlay filesystem context',
      'move_mount: mount the root overlay on /c/merged',
      'close: close the root overlay mount',
    ]);
    // Older kernels: one escaped lowerdir.
    const old = plan(input, fakeHost(IMAGE, { kernel: '6.1.0-13-amd64' })).program;
    expect(old.ops.find((op) => op.args[2] === 'lowerdir')?.args[3]).toBe('/layers/b:/layers/a\\:1');
  });

  it('whites out hidden paths in the upper layer before the overlay is mounted', () => {
    const host = fakeHost({ '/': 'dir', '/run': 'dir', '/var': 'dir', '/var/lib': 'dir', '/tmp': 'dir' });
    const overlay = { lower: ['/'], upper: '/c/upper', work: '/c/work' };
    const { program } = plan(
      { root: { overlay: { ...overlay, hidden: ['/run/gc', '/var/lib/gc', '/run/gc/c1', '/tmp/a/b', '/opt/x'] } } },
      host,
    );
    const labels = steps(program);
    expect(labels.slice(1, labels.indexOf('fsopen: open an overlay filesystem for the root'))).toEqual([
      'openat: open the upper layer /c/upper to hide paths of the lower ones',
      'mkdirat: create /run in the upper layer',
      'openat2: open /run in the upper layer',
      "fchown: give /run of the upper layer the lower's owner",
      "fchmod: give /run of the upper layer the lower's mode 0755",
      'close: close /run of the upper layer',
      'openat2: open /run in the upper layer',
      'mknodat: hide /run/gc from the container',
      'close: close /run of the upper layer',
      'mkdirat: create /var in the upper layer',
      'openat2: open /var in the upper layer',
      "fchown: give /var of the upper layer the lower's owner",
      "fchmod: give /var of the upper layer the lower's mode 0755",
      'close: close /var of the upper layer',
      'openat2: open /var in the upper layer',
      'mkdirat: create /var/lib in the upper layer',
      'close: close /var of the upper layer',
      'openat2: open /var/lib in the upper layer',
      "fchown: give /var/lib of the upper layer the lower's owner",
      "fchmod: give /var/lib of the upper layer the lower's mode 0755",
      'close: close /var/lib of the upper layer',
      'openat2: open /var/lib in the upper layer',
      'mknodat: hide /var/lib/gc from the container',
      'close: close /var/lib of the upper layer',
      // The sticky bit of /tmp is kept; /tmp/a is missing on the host: its whiteout hides /tmp/a/b too.
      'mkdirat: create /tmp in the upper layer',
      'openat2: open /tmp in the upper layer',
      "fchown: give /tmp of the upper layer the lower's owner",
      "fchmod: give /tmp of the upper layer the lower's mode 01777",
      'close: close /tmp of the upper layer',
      'openat2: open /tmp in the upper layer',
      'mknodat: hide /tmp/a from the container',
      'close: close /tmp of the upper layer',
      'mknodat: hide /opt from the container',
      'close: close the upper layer',
    ]);
    const whiteout = program.ops.find((op) => op.label === 'hide /run/gc from the container');
    expect(whiteout?.args.slice(1)).toEqual(['gc', S_IFCHR, 0]);
    const open = program.ops.find((op) => op.syscall === 'openat2' && op.label === 'open /run in the upper layer');
    expect(open?.args[1]).toBe('run');

    // A path through a symlink of the lower layer would show its target: refused.
    expect(() =>
      plan(
        { root: { overlay: { ...overlay, hidden: ['/var/run/gc'] } } },
        fakeHost({ '/var': 'dir', '/var/run': 'symlink' }),
      ),
    ).toThrow('root.overlay.hidden: /var/run/gc leads through the symlink /var/run of /; give its real path');
    expect(() => plan({ root: { overlay: { ...overlay, hidden: ['/'] } } }, host)).toThrow(
      'root.overlay.hidden[0]: cannot hide the whole root',
    );
  });

  it('throws before planning anything when the input is wrong', () => {
    const program = new Program({ arch: 'x64' });
    expect(() =>
      planRootfs(program, { root: { path: ROOT }, mounts: [{ destination: '/x', type: 'tmpfs', options: ['bogus'] }] }),
    ).toThrow('mounts[0].options[0]: "bogus" is not a mount option');
    expect(() => planRootfs(program, { root: { path: ROOT }, mounts: [], maskedPaths: ['proc/kcore'] })).toThrow(
      'maskedPaths[0]: "proc/kcore" is not absolute',
    );
    expect(() => planRootfs(program, { root: { path: 'rel' }, mounts: [] })).toThrow(
      'root.path: expected an absolute host path',
    );
    expect(program.ops).toHaveLength(0);
  });

  it.each([
    ['a directory root', { path: ROOT }],
    [
      'an overlay with hidden paths',
      { overlay: { lower: ['/'], upper: '/c/upper', work: '/c/work', hidden: ['/run/gc', '/var/lib/gc'] } },
    ],
  ] as const)('runs to the exec on the FakeKernel and closes every fd it opens (%s)', async (_name, root) => {
    const host = fakeHost({ ...IMAGE, ...KERNEL_PATHS, '/run': 'dir', '/var': 'dir', '/var/lib': 'dir' });
    const { program } = plan(
      {
        root: root as RootfsInput['root'],
        mounts: defaultMounts(),
        maskedPaths: [...DEFAULT_MASKED_PATHS],
        readonlyPaths: [...DEFAULT_READONLY_PATHS],
        cwd: '/w',
      },
      host,
    );
    program.scope('@gc/test').execvp('/bin/sh', ['/bin/sh'], [], 'exec sh');
    const kernel = new FakeKernel();
    // Every fd-returning op gets its own number, so closes can be matched.
    let next = 10;
    for (const name of ['openat', 'openat2', 'fsopen', 'fsmount', 'open_tree']) kernel.onSyscall(name, () => next++);
    await kernel.spawn(program).started;
    const run = kernel.lastRun;
    expect(run?.state).toBe('exec');
    const opened = new Set(
      run?.ops
        .filter((op) => ['openat', 'openat2', 'fsopen', 'fsmount', 'open_tree'].includes(op.syscall ?? ''))
        .map((op) => op.result),
    );
    const closed = new Set(run?.ops.filter((op) => op.syscall === 'close').map((op) => op.args[0]));
    expect(closed).toEqual(opened);
    // The failing op is reported by its label.
    const failing = new FakeKernel();
    failing.fail({ syscall: 'pivot_root', errno: 'EINVAL' });
    await expect(failing.spawn(program).started).rejects.toThrow('pivot_root into the root (rootfs): EINVAL');
  });

  it('plans for the program it is given (OpRefs of that program)', () => {
    const { program } = plan({ mounts: [{ destination: '/proc', type: 'proc' }] });
    expect(program.ops.filter((op) => op.args.some((a) => a instanceof OpRef)).length).toBeGreaterThan(5);
  });
});
