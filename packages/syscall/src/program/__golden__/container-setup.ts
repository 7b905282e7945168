// The representative program the golden files pin: what a container's setup
// looks like, op kinds and argument kinds all present. Planned for x64 so the
// golden bytes do not depend on the machine.
import {
  AF_INET,
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_RECURSIVE,
  IFF_UP,
  IFNAMSIZ,
  IFREQ_SIZE,
  MNT_DETACH,
  MOUNT_ATTR_IDMAP,
  MOUNT_ATTR_SIZE_VER0,
  MOVE_MOUNT_F_EMPTY_PATH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_REC,
  MS_STRICTATIME,
  O_CLOEXEC,
  O_RDONLY,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  PR_SET_NO_NEW_PRIVS,
  PR_SET_PDEATHSIG,
  SIOCSIFFLAGS,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
} from '../../constants.js';
import { Program } from '../program.js';

export function ifreqName(name: string): Uint8Array {
  const bytes = new Uint8Array(IFNAMSIZ);
  bytes.set(new TextEncoder().encode(name));
  return bytes;
}

export function buildContainerSetup(): Program {
  const p = new Program({ arch: 'x64' });
  const ns = p.scope('@gc/namespaces');
  const rootfs = p.scope('@gc/rootfs');
  const net = p.scope('@gc/network');
  const caps = p.scope('@gc/capabilities');
  const runtime = p.scope('@gc/runtime');
  const root = '/run/gc/c1/rootfs';

  p.syscall('prctl', [PR_SET_PDEATHSIG, 9], 'die with the runtime');
  ns.notify(0, 'ask for the id maps');
  ns.wait('wait for the id maps');
  rootfs.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make / private');
  rootfs.syscall('mount', [root, root, null, MS_BIND | MS_REC, null], 'bind the rootfs onto itself');
  rootfs.syscall(
    'mount',
    ['proc', `${root}/proc`, 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null],
    'mount proc on /proc',
  );
  rootfs.syscall(
    'mount',
    ['tmpfs', `${root}/dev`, 'tmpfs', MS_NOSUID | MS_STRICTATIME, 'mode=755,size=65536k'],
    'mount tmpfs on /dev',
  );
  rootfs.syscall('mkdirat', [AT_FDCWD, `${root}/dev/pts`, 0o755], 'create /dev/pts', { tolerate: ['EEXIST'] });

  // An idmapped bind mount: the user namespace fd goes into mount_attr with a STORE.
  const tree = rootfs.syscall(
    'open_tree',
    [AT_FDCWD, '/srv/data', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE],
    'clone /srv/data',
  );
  const userns = rootfs.syscall(
    'openat',
    [AT_FDCWD, '/proc/self/ns/user', O_RDONLY | O_CLOEXEC],
    'open the user namespace',
  );
  const attr = rootfs.struct([
    { name: 'attr_set', type: 'u64', value: MOUNT_ATTR_IDMAP },
    { name: 'attr_clr', type: 'u64', value: 0 },
    { name: 'propagation', type: 'u64', value: 0 },
    { name: 'userns_fd', type: 'u64', value: 0 },
  ]);
  rootfs.store(userns, attr.field('userns_fd'), 8, 'put the user namespace into mount_attr');
  rootfs.syscall(
    'mount_setattr',
    [tree, '', AT_EMPTY_PATH | AT_RECURSIVE, attr, MOUNT_ATTR_SIZE_VER0],
    'idmap /srv/data',
  );
  rootfs.syscall(
    'move_mount',
    [tree, '', AT_FDCWD, `${root}/data`, MOVE_MOUNT_F_EMPTY_PATH],
    'mount /srv/data on /data',
  );

  rootfs.syscall('chdir', [root], 'enter the rootfs');
  rootfs.syscall('pivot_root', ['.', '.'], 'pivot_root into the rootfs');
  rootfs.syscall('umount2', ['.', MNT_DETACH], 'detach the old root', { tolerate: ['EINVAL', 'EBUSY'] });
  runtime.syscall('sethostname', ['web-1', 5], 'set the hostname');

  const sock = net.syscall('socket', [AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0], 'open a socket to configure lo');
  const ifr = net.struct(
    [
      { name: 'ifr_name', type: 'bytes', value: ifreqName('lo') },
      { name: 'ifr_flags', type: 'u16', value: IFF_UP },
    ],
    { size: IFREQ_SIZE },
  );
  net.syscall('ioctl', [sock, SIOCSIFFLAGS, ifr], 'bring lo up');
  net.syscall('close', [sock], 'close the lo socket');

  caps.syscall('prctl', [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0], 'set no_new_privs');
  ns.notify(1, 'report the container created');
  ns.wait('wait for start');
  runtime.execvp(
    'sh',
    ['sh', '-c', 'echo hello'],
    ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'TERM=xterm'],
    'exec the container process',
  );

  p.setFds([
    { target: 0, source: 0 },
    { target: 1, source: 1 },
    { target: 2, source: 2 },
    { target: 3, source: 17 },
  ]);
  return p;
}
