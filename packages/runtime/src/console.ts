/*
 * The container's terminal (OCI `process.terminal`, runc's --console-socket):
 * a pty of the container's own devpts, made inside the container, its master
 * sent out over a unix socket. The container never holds a terminal of the
 * caller's: with it, it could push input into the caller's shell (TIOCSTI).
 */
import {
  ARCH_OPEN_FLAGS,
  AT_EMPTY_PATH,
  AT_FDCWD,
  type Kernel,
  MOVE_MOUNT_F_EMPTY_PATH,
  MSG_NOSIGNAL,
  O_CLOEXEC,
  O_CREAT,
  O_NOCTTY,
  O_RDONLY,
  O_RDWR,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  type ProgramScope,
  SCM_RIGHTS,
  SOL_SOCKET,
  TIOCGPTPEER,
  TIOCSCTTY,
  TIOCSPTLCK,
  TIOCSWINSZ,
} from '@gc/syscall';
import { ContainerStartError } from './errors.js';

/** The name sent with the master, as runc sends its pty's (`console.NewPty` opens /dev/ptmx). */
const CONSOLE_NAME = '/dev/ptmx';

export interface ConsolePlan {
  /** The console socket's fd in the child (a `keepFd` target): the master goes out on it, then it is closed. */
  readonly socket: number;
  /** OCI `process.consoleSize`: set on the pty before the exec. */
  readonly size?: { readonly height: number; readonly width: number };
  /**
   * Bind the slave on /dev/console (default true): a container's init does;
   * a process exec'd into a running container does not (runc's exec mounts
   * nothing: the container's /dev/console stays its init's).
   */
  readonly bindConsole?: boolean;
}

/**
 * A new session for the container's process: it leaves the caller's, so it
 * has no controlling terminal (and cannot get the caller's back).
 */
export function planNewSession(p: ProgramScope): void {
  p.syscall('setsid', [], 'start a new session (setsid)');
}

/**
 * After the root filesystem (its /dev/pts mounted) and a new session: open
 * /dev/pts/ptmx inside the container, unlock the pty, open its slave with
 * TIOCGPTPEER (no path lookup), set its size, bind the slave on /dev/console
 * (unless `bindConsole` is false), * send the master over the console socket (SCM_RIGHTS), make the slave the
 * controlling terminal and fds 0-2. The child keeps no fd of the master.
 */
export function planConsole(p: ProgramScope, console: ConsolePlan): void {
  const master = p.syscall(
    'openat',
    [AT_FDCWD, '/dev/pts/ptmx', O_RDWR | O_NOCTTY | O_CLOEXEC],
    "open the container's /dev/pts/ptmx",
  );
  const unlock = p.struct([{ name: 'unlock', type: 'i32', value: 0 }]);
  p.syscall('ioctl', [master, TIOCSPTLCK, unlock], 'unlock the pty (TIOCSPTLCK)');
  const slave = p.syscall(
    'ioctl',
    [master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC],
    "open the pty's slave (TIOCGPTPEER)",
  );
  if (console.size) {
    const { height, width } = console.size;
    const winsize = p.struct([
      { name: 'ws_row', type: 'u16', value: height },
      { name: 'ws_col', type: 'u16', value: width },
      { name: 'ws_xpixel', type: 'u16', value: 0 },
      { name: 'ws_ypixel', type: 'u16', value: 0 },
    ]);
    p.syscall('ioctl', [slave, TIOCSWINSZ, winsize], `set the console size to ${width}x${height} (TIOCSWINSZ)`);
  }

  if (console.bindConsole ?? true) planBindConsole(p, slave);

  planSendFd(p, console.socket, master, 'send the pty master on the console socket');
  p.syscall('close', [master], 'close the pty master');
  p.syscall('close', [console.socket], 'close the console socket');

  p.syscall('ioctl', [slave, TIOCSCTTY, 0], 'make the pty the controlling terminal (TIOCSCTTY)');
  for (const fd of [0, 1, 2]) p.syscall('dup3', [slave, fd, 0], `make the pty fd ${fd}`);
  p.syscall('close', [slave], 'close the spare pty slave fd');
}

/**
 * /dev/console: a file to mount on (O_CREAT does not follow a last-component
 * link with O_NOFOLLOW), then a clone of the slave's mount moved onto it.
 */
function planBindConsole(p: ProgramScope, slave: ReturnType<ProgramScope['syscall']>): void {
  const target = p.syscall(
    'openat',
    [AT_FDCWD, '/dev/console', O_RDONLY | O_CREAT | O_NOCTTY | ARCH_OPEN_FLAGS[p.arch].O_NOFOLLOW | O_CLOEXEC, 0o600],
    'create /dev/console to mount on',
  );
  p.syscall('close', [target], 'close /dev/console');
  const tree = p.syscall(
    'open_tree',
    [slave, '', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH],
    "clone the pty slave's mount",
  );
  p.syscall(
    'move_mount',
    [tree, '', AT_FDCWD, '/dev/console', MOVE_MOUNT_F_EMPTY_PATH],
    'bind the pty slave on /dev/console',
  );
  p.syscall('close', [tree], "close the slave's mount clone");
}

/** sendmsg(socket, { iov: CONSOLE_NAME, SCM_RIGHTS: [fd] }): the cmsg's fd is stored when the op runs. */
function planSendFd(p: ProgramScope, socket: number, fd: ReturnType<ProgramScope['syscall']>, label: string): void {
  const name = new TextEncoder().encode(CONSOLE_NAME);
  const iov = p.struct([
    { name: 'iov_base', type: 'ptr', value: p.bytes(name) },
    { name: 'iov_len', type: 'u64', value: name.length },
  ]);
  // struct cmsghdr with one int: cmsg_len = CMSG_LEN(4), padded to CMSG_SPACE(4).
  const cmsg = p.struct(
    [
      { name: 'cmsg_len', type: 'u64', value: 20 },
      { name: 'cmsg_level', type: 'i32', value: SOL_SOCKET },
      { name: 'cmsg_type', type: 'i32', value: SCM_RIGHTS },
      { name: 'cmsg_fd', type: 'i32', value: -1 },
    ],
    { size: 24 },
  );
  const msghdr = p.struct([
    { name: 'msg_name', type: 'ptr', value: null },
    { name: 'msg_namelen', type: 'u32', value: 0 },
    { name: 'msg_iov', type: 'ptr', value: iov },
    { name: 'msg_iovlen', type: 'u64', value: 1 },
    { name: 'msg_control', type: 'ptr', value: cmsg },
    { name: 'msg_controllen', type: 'u64', value: 24 },
    { name: 'msg_flags', type: 'i32', value: 0 },
  ]);
  p.store(fd, cmsg.field('cmsg_fd'), 4, `put the fd in the message (${label})`);
  p.syscall('sendmsg', [socket, msghdr, MSG_NOSIGNAL], label);
}

/**
 * The pty master a container sent on its console socket (`socket`: our end).
 * Call it once the container started: its sendmsg came before the exec, so
 * this never waits. The fd is CLOEXEC.
 */
export function receiveConsole(kernel: Kernel, socket: number): number {
  const { fds } = kernel.recvFds(socket, 1, 4096);
  const [master] = fds;
  if (master === undefined || fds.length !== 1) {
    for (const fd of fds) kernel.close(fd);
    throw new ContainerStartError('ECONSOLE', 'the container sent no pty master on its console socket', 125);
  }
  return master;
}
