import { currentArch } from './arch.js';
import {
  BPF_PROG_ATTACH,
  BPF_PROG_LOAD,
  FSCONFIG_CMD_CREATE,
  FSCONFIG_SET_STRING,
  FSMOUNT_CLOEXEC,
  FSOPEN_CLOEXEC,
  MOUNT_ATTR_RDONLY,
} from './constants.js';
import { SyscallError } from './errors.js';
import { exitStatusFromSiginfo } from './exit-status.js';
import { ExitWatcher } from './exit-watcher.js';
import type {
  BpfProgram,
  FsParamString,
  Kernel,
  ProcessHandle,
  Pty,
  SpawnedChild,
  SpawnOptions,
  Timespec,
  WaitResult,
  WindowSize,
} from './kernel.js';
import { type Libc, libc } from './libc.js';
import type { Program } from './program/program.js';
import { signalNumber } from './signals.js';
import { attachProcess, spawnProgram } from './spawn.js';
import { syscallNumber } from './syscall-table.js';

const O_RDWR = 0o2;
const O_NOCTTY = 0o400;
const O_CLOEXEC = 0o2000000;
/** Bytes of `union bpf_attr` we pass: more than any command here uses; the kernel wants the rest zero. */
const BPF_ATTR_SIZE = 128;
const BPF_LOG_SIZE = 64 * 1024;
const P_PID = 1;
const P_PIDFD = 3;
const WEXITED = 4;
const WNOHANG = 1;
const ENODATA = 61;
const ENAMETOOLONG = 36;
const AF_UNIX = 1;
const SOCK_STREAM = 1;
/** sizeof(sun_path) of struct sockaddr_un, less its terminating NUL. */
const SUN_PATH_MAX = 107;
const TCGETS = 0x5401;
const TCSETSW = 0x5403;
const TIOCGWINSZ = 0x5413;
const TIOCSWINSZ = 0x5414;
/** sizeof(struct termios) of the kernel (asm-generic, x86_64 and arm64 alike). */
const TERMIOS_SIZE = 36;

/** dev_t as glibc's makedev() packs it: 12 bits of major and 20 of minor in the low word, the rest above. */
function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

/** `value`, an integer, as the little-endian int64 at words[at], words[at + 1] (no BigInt made). */
function setInt64(words: Int32Array, at: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  words[at] = value - high * 0x1_0000_0000;
  words[at + 1] = high;
}

/** `value` (a number or a bigint) as the little-endian uint64 at words[at], words[at + 1]. */
function setUint64(words: Uint32Array, at: number, value: number | bigint): void {
  if (typeof value === 'bigint') {
    words[at] = Number(value & 0xffff_ffffn);
    words[at + 1] = Number((value >> 32n) & 0xffff_ffffn);
    return;
  }
  const high = Math.floor(value / 0x1_0000_0000);
  words[at] = value - high * 0x1_0000_0000;
  words[at + 1] = high;
}

/** The kernel, through koffi. One per process is enough: see `createKernel`. */
class RealKernel implements Kernel {
  readonly arch = currentArch();
  private watcher: ExitWatcher | undefined;
  // Arguments the kernel reads during the call only, kept to be filled in
  // again: the many calls of an unpack would otherwise each allocate them.
  /** utimensat's two struct timespec. */
  private readonly times = new BigInt64Array(4);
  private readonly timesWords = new Int32Array(this.times.buffer);
  /** copy_file_range's input offset (the kernel's copy is not read back: the caller counts). */
  private readonly copyOffset = new BigInt64Array(1);
  private readonly copyOffsetWords = new Int32Array(this.copyOffset.buffer);
  /** openat2's struct open_how. */
  private readonly openHow = new Uint8Array(24);
  private readonly openHowWords = new Uint32Array(this.openHow.buffer);
  private readonly openat2Nr = syscallNumber('openat2', this.arch);

  private get c(): Libc {
    return libc();
  }

  /** Throws a SyscallError with the current errno when r < 0. */
  private check(r: unknown, syscall: string, label: string, path?: string): number {
    const n = Number(r);
    if (n < 0) throw new SyscallError({ syscall, errno: this.c.errno(), label, ...(path ? { path } : {}) });
    return n;
  }

  spawn(program: Program, options?: SpawnOptions): SpawnedChild {
    if (program.arch !== this.arch) {
      throw new TypeError(`program is planned for ${program.arch}, this machine is ${this.arch}`);
    }
    this.watcher ??= new ExitWatcher(this.c);
    return spawnProgram(this.c, this.watcher, program, options);
  }

  attach(pid: number): ProcessHandle {
    this.watcher ??= new ExitWatcher(this.c);
    return attachProcess(this.c, this.watcher, pid);
  }

  memfdCreate(name: string, flags: number): number {
    return this.check(this.c.memfd_create(name, flags), 'memfd_create', `create memfd ${name}`);
  }

  mountDetached(
    fstype: string,
    params: readonly FsParamString[],
    what: string,
    options: { readOnly?: boolean } = {},
  ): number {
    const fs = this.check(
      this.c.syscall(syscallNumber('fsopen', this.arch), 'const char *', fstype, 'uint', FSOPEN_CLOEXEC),
      'fsopen',
      `open a ${fstype} filesystem for ${what}`,
    );
    try {
      const fsconfig = syscallNumber('fsconfig', this.arch);
      for (const { key, value, label } of params) {
        this.check(
          this.c.syscall(
            fsconfig,
            'int',
            fs,
            'uint',
            FSCONFIG_SET_STRING,
            'const char *',
            key,
            'const char *',
            value,
            'int',
            0,
          ),
          'fsconfig',
          label,
        );
      }
      this.check(
        this.c.syscall(fsconfig, 'int', fs, 'uint', FSCONFIG_CMD_CREATE, 'void *', null, 'void *', null, 'int', 0),
        'fsconfig',
        `create the ${fstype} filesystem of ${what}`,
      );
      return this.check(
        this.c.syscall(
          syscallNumber('fsmount', this.arch),
          'int',
          fs,
          'uint',
          FSMOUNT_CLOEXEC,
          'uint',
          options.readOnly ? MOUNT_ATTR_RDONLY : 0,
        ),
        'fsmount',
        `make a detached mount of ${what}`,
      );
    } finally {
      this.c.close(fs);
    }
  }

  isatty(fd: number): boolean {
    return this.c.isatty(fd) === 1;
  }

  getTermios(fd: number): Uint8Array {
    const termios = new Uint8Array(TERMIOS_SIZE);
    this.check(this.c.ioctl_buf(fd, TCGETS, termios), 'ioctl', `get the terminal settings of fd ${fd} (TCGETS)`);
    return termios;
  }

  setTermios(fd: number, termios: Uint8Array): void {
    if (termios.byteLength !== TERMIOS_SIZE) throw new TypeError(`setTermios: expected ${TERMIOS_SIZE} bytes`);
    const copy = Uint8Array.from(termios);
    this.check(this.c.ioctl_buf(fd, TCSETSW, copy), 'ioctl', `set the terminal settings of fd ${fd} (TCSETSW)`);
  }

  getWindowSize(fd: number): WindowSize {
    const ws = Buffer.alloc(8);
    this.check(this.c.ioctl_buf(fd, TIOCGWINSZ, ws), 'ioctl', `get the window size of fd ${fd} (TIOCGWINSZ)`);
    return { rows: ws.readUInt16LE(0), columns: ws.readUInt16LE(2) };
  }

  setWindowSize(fd: number, size: WindowSize): void {
    const ws = Buffer.alloc(8);
    ws.writeUInt16LE(size.rows, 0);
    ws.writeUInt16LE(size.columns, 2);
    this.check(
      this.c.ioctl_buf(fd, TIOCSWINSZ, ws),
      'ioctl',
      `set the window size of fd ${fd} to ${size.columns}x${size.rows} (TIOCSWINSZ)`,
    );
  }

  fcntl(fd: number, cmd: number, arg = 0): number {
    return this.check(this.c.fcntl(fd, cmd, arg), 'fcntl', `fcntl ${cmd} on fd ${fd}`);
  }

  flock(fd: number, operation: number): void {
    this.check(this.c.flock(fd, operation), 'flock', `flock ${operation} on fd ${fd}`);
  }

  setxattr(path: string, name: string, value: string): void {
    const data = Buffer.from(value);
    this.check(this.c.setxattr(path, name, data, data.length, 0), 'setxattr', `set ${name} on ${path}`, path);
  }

  getxattr(path: string, name: string): string | undefined {
    // Values are small tags: 256 bytes hold any this runtime writes (ERANGE otherwise).
    const data = Buffer.alloc(256);
    const n = Number(this.c.getxattr(path, name, data, data.length));
    if (n < 0) {
      if (this.c.errno() === ENODATA) return undefined;
      this.check(n, 'getxattr', `read ${name} of ${path}`, path);
    }
    return data.subarray(0, n).toString();
  }

  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number | bigint,
    data?: string | null,
  ): void {
    const what = fstype ? `${fstype} ` : source ? `${source} ` : '';
    this.check(this.c.mount(source, target, fstype, BigInt(flags), data ?? null), 'mount', `mount ${what}on ${target}`);
  }

  umount2(target: string, flags = 0): void {
    this.check(this.c.umount2(target, flags), 'umount2', `unmount ${target}`);
  }

  openat2(
    dirfd: number,
    path: string,
    how: { flags: number | bigint; mode?: number; resolve?: number | bigint },
  ): number {
    const buf = this.openHow;
    const words = this.openHowWords;
    setUint64(words, 0, how.flags);
    setUint64(words, 2, how.mode ?? 0);
    setUint64(words, 4, how.resolve ?? 0);
    return this.check(
      this.c.syscall(this.openat2Nr, 'int', dirfd, 'const char *', path, 'uint8_t *', buf, 'size_t', 24),
      'openat2',
      `open ${path}`,
    );
  }

  openat(dirfd: number, path: string, flags: number, mode = 0): number {
    return this.check(this.c.openat(dirfd, path, flags, mode), 'openat', `open ${path}`);
  }

  fsetxattr(fd: number, name: string, value: Uint8Array | string): void {
    const data = typeof value === 'string' ? Buffer.from(value) : value;
    this.check(this.c.fsetxattr(fd, name, data, data.byteLength, 0), 'fsetxattr', `set ${name} on fd ${fd}`);
  }

  lsetxattr(path: string, name: string, value: Uint8Array | string): void {
    const data = typeof value === 'string' ? Buffer.from(value) : value;
    this.check(this.c.lsetxattr(path, name, data, data.byteLength, 0), 'lsetxattr', `set ${name} on ${path}`, path);
  }

  mkdirat(dirfd: number, path: string, mode: number): void {
    this.check(this.c.mkdirat(dirfd, path, mode), 'mkdirat', `make the directory ${path}`, path);
  }

  mknodat(dirfd: number, path: string, mode: number, major = 0, minor = 0): void {
    this.check(this.c.mknodat(dirfd, path, mode, makedev(major, minor)), 'mknodat', `make the node ${path}`, path);
  }

  symlinkat(target: string, dirfd: number, path: string): void {
    this.check(this.c.symlinkat(target, dirfd, path), 'symlinkat', `make the symlink ${path}`, path);
  }

  linkat(oldDirfd: number, oldPath: string, newDirfd: number, newPath: string, flags = 0): void {
    this.check(
      this.c.linkat(oldDirfd, oldPath, newDirfd, newPath, flags),
      'linkat',
      `link ${newPath} to ${oldPath}`,
      newPath,
    );
  }

  unlinkat(dirfd: number, path: string, flags = 0): void {
    this.check(this.c.unlinkat(dirfd, path, flags), 'unlinkat', `remove ${path}`, path);
  }

  fchownat(dirfd: number, path: string, uid: number, gid: number, flags = 0): void {
    this.check(this.c.fchownat(dirfd, path, uid, gid, flags), 'fchownat', `change the owner of ${path}`, path);
  }

  fchmodat(dirfd: number, path: string, mode: number): void {
    this.check(this.c.fchmodat(dirfd, path, mode, 0), 'fchmodat', `change the mode of ${path}`, path);
  }

  utimensat(dirfd: number, path: string, atime: Timespec, mtime: Timespec, flags = 0): void {
    const words = this.timesWords;
    setInt64(words, 0, atime.sec);
    setInt64(words, 2, atime.nsec);
    setInt64(words, 4, mtime.sec);
    setInt64(words, 6, mtime.nsec);
    this.check(this.c.utimensat(dirfd, path, this.times, flags), 'utimensat', `set the times of ${path}`, path);
  }

  copyFileRange(fdIn: number, offsetIn: number, fdOut: number, length: number): number {
    const words = this.copyOffsetWords;
    setInt64(words, 0, offsetIn);
    return this.check(
      this.c.copy_file_range(fdIn, this.copyOffset, fdOut, null, length, 0),
      'copy_file_range',
      `copy fd ${fdIn} to fd ${fdOut}`,
    );
  }

  close(fd: number): void {
    this.check(this.c.close(fd), 'close', `close fd ${fd}`);
  }

  read(fd: number, buffer: Uint8Array): number {
    return this.check(this.c.read(fd, buffer, buffer.byteLength), 'read', `read fd ${fd}`);
  }

  write(fd: number, data: Uint8Array | string): number {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return this.check(this.c.write(fd, buf, buf.byteLength), 'write', `write fd ${fd}`);
  }

  pipe2(flags = O_CLOEXEC): [number, number] {
    const fds = new Int32Array(2);
    this.check(this.c.pipe2(fds, flags), 'pipe2', 'create a pipe');
    return [fds[0] as number, fds[1] as number];
  }

  socketpair(domain: number, type: number, protocol = 0): [number, number] {
    const fds = new Int32Array(2);
    this.check(this.c.socketpair(domain, type, protocol, fds), 'socketpair', 'create a socket pair');
    return [fds[0] as number, fds[1] as number];
  }

  connectUnix(path: string): number {
    const label = `connect to the unix socket ${path}`;
    // struct sockaddr_un: sa_family_t, then sun_path[108] with its NUL.
    const name = Buffer.from(path);
    if (name.length === 0 || name.length > SUN_PATH_MAX || name.includes(0)) {
      throw new SyscallError({ syscall: 'connect', errno: ENAMETOOLONG, label, path });
    }
    const addr = Buffer.alloc(2 + name.length + 1);
    addr.writeUInt16LE(AF_UNIX, 0);
    name.copy(addr, 2);
    const fd = this.check(this.c.socket(AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0), 'socket', `create a socket for ${path}`);
    if (Number(this.c.connect(fd, addr, addr.length)) < 0) {
      const errno = this.c.errno();
      this.c.close(fd);
      throw new SyscallError({ syscall: 'connect', errno, label, path });
    }
    return fd;
  }

  mkfifo(path: string, mode: number): void {
    // AT_FDCWD, S_IFIFO | mode, no device.
    this.check(this.c.mknodat(-100, path, 0o010000 | mode, 0n), 'mknodat', `make the fifo ${path}`, path);
  }

  pidfdOpen(pid: number, flags = 0): number {
    return this.check(this.c.pidfd_open(pid, flags), 'pidfd_open', `open a pidfd for pid ${pid}`);
  }

  pidfdSendSignal(pidfd: number, signal: NodeJS.Signals | number): void {
    const sig = signalNumber(signal);
    this.check(this.c.pidfd_send_signal(pidfd, sig), 'pidfd_send_signal', `send signal ${sig} through pidfd ${pidfd}`);
  }

  waitidNoHang(idtype: 'pid' | 'pidfd', id: number): WaitResult | null {
    const info = Buffer.alloc(128);
    this.check(
      this.c.waitid(idtype === 'pid' ? P_PID : P_PIDFD, id, info, WEXITED | WNOHANG),
      'waitid',
      `wait for ${idtype} ${id}`,
    );
    // siginfo_t: si_signo, si_errno, si_code, (pad on 64-bit), si_pid, si_uid, si_status
    const pid = info.readInt32LE(16);
    if (pid === 0) return null;
    return { pid, status: exitStatusFromSiginfo(info.readInt32LE(8), info.readInt32LE(24)) };
  }

  prctl(
    option: number,
    arg2: number | bigint = 0,
    arg3: number | bigint = 0,
    arg4: number | bigint = 0,
    arg5: number | bigint = 0,
  ): number {
    return this.check(
      this.c.prctl(option, BigInt(arg2), BigInt(arg3), BigInt(arg4), BigInt(arg5)),
      'prctl',
      `prctl option ${option}`,
    );
  }

  sendFds(socket: number, fds: number[], data: Uint8Array = new Uint8Array(0)): void {
    const r = Number(this.c.gc_send_fds(socket, Int32Array.from(fds), fds.length, data, data.byteLength));
    if (r < 0)
      throw new SyscallError({ syscall: 'sendmsg', errno: -r, label: `send ${fds.length} fds on socket ${socket}` });
  }

  recvFds(socket: number, maxFds: number, maxData = 1): { fds: number[]; data: Uint8Array } {
    const fds = new Int32Array(Math.max(maxFds, 1));
    const data = Buffer.alloc(maxData);
    const count = new Int32Array(1);
    const r = Number(this.c.gc_recv_fds(socket, fds, maxFds, data, maxData, count));
    if (r < 0) throw new SyscallError({ syscall: 'recvmsg', errno: -r, label: `receive fds on socket ${socket}` });
    return { fds: Array.from(fds.subarray(0, count[0] as number)), data: data.subarray(0, r) };
  }

  bpfProgLoad(program: BpfProgram): number {
    const license = Buffer.from(`${program.license}\0`);
    const insns = Buffer.from(program.insns.buffer, program.insns.byteOffset, program.insns.byteLength);
    const load = (log: Buffer | undefined) => {
      // struct { prog_type, insn_cnt, insns, license, log_level, log_size, log_buf, kern_version, prog_flags, prog_name[16], prog_ifindex, expected_attach_type }
      const attr = Buffer.alloc(BPF_ATTR_SIZE);
      attr.writeUInt32LE(program.type, 0);
      attr.writeUInt32LE(insns.byteLength / 8, 4);
      attr.writeBigUInt64LE(this.c.address(insns), 8);
      attr.writeBigUInt64LE(this.c.address(license), 16);
      if (log) {
        attr.writeUInt32LE(1, 24);
        attr.writeUInt32LE(log.byteLength, 28);
        attr.writeBigUInt64LE(this.c.address(log), 32);
      }
      if (program.name) attr.write(program.name.slice(0, 15), 48, 'latin1');
      attr.writeUInt32LE(program.expectedAttachType ?? 0, 68);
      const nr = syscallNumber('bpf', this.arch);
      const fd = Number(this.c.syscall(nr, 'int', BPF_PROG_LOAD, 'uint8_t *', attr, 'uint', BPF_ATTR_SIZE));
      return { fd, errno: fd < 0 ? this.c.errno() : 0 };
    };
    const label = `load the eBPF program ${program.name ?? ''}`.trimEnd();
    const first = load(undefined);
    if (first.fd >= 0) return first.fd;
    // Refused: load again with the verifier's log on, for the error message.
    const log = Buffer.alloc(BPF_LOG_SIZE);
    const again = load(log);
    if (again.fd >= 0) return again.fd;
    const text = log
      .subarray(0, Math.max(0, log.indexOf(0)))
      .toString()
      .trim();
    const error = new SyscallError({ syscall: 'bpf', errno: again.errno, label });
    if (text) error.message += ` (verifier: ${text.split('\n').slice(-3).join('; ')})`;
    throw error;
  }

  bpfProgAttach(targetFd: number, progFd: number, attachType: number, flags = 0): void {
    // struct { target_fd, attach_bpf_fd, attach_type, attach_flags, replace_bpf_fd }
    const attr = Buffer.alloc(BPF_ATTR_SIZE);
    attr.writeUInt32LE(targetFd, 0);
    attr.writeUInt32LE(progFd, 4);
    attr.writeUInt32LE(attachType, 8);
    attr.writeUInt32LE(flags, 12);
    const nr = syscallNumber('bpf', this.arch);
    this.check(
      this.c.syscall(nr, 'int', BPF_PROG_ATTACH, 'uint8_t *', attr, 'uint', BPF_ATTR_SIZE),
      'bpf',
      `attach eBPF program fd ${progFd} to fd ${targetFd}`,
    );
  }

  openPty(): Pty {
    const master = this.check(this.c.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), 'posix_openpt', 'open /dev/ptmx');
    try {
      this.check(this.c.grantpt(master), 'grantpt', 'grant the pty');
      this.check(this.c.unlockpt(master), 'unlockpt', 'unlock the pty');
      const name = Buffer.alloc(128);
      const r = Number(this.c.ptsname_r(master, name, name.length));
      if (r !== 0) throw new SyscallError({ syscall: 'ptsname_r', errno: r, label: 'name the pty' });
      const path = name.subarray(0, name.indexOf(0)).toString();
      const slave = this.openat(-100, path, O_RDWR | O_NOCTTY | O_CLOEXEC);
      return { master, slave, path };
    } catch (e) {
      this.c.close(master);
      throw e;
    }
  }
}

let shared: RealKernel | undefined;

/**
 * The real kernel. Loads koffi and the executor on first use. There is one
 * per process: every spawned child is reaped by the same native thread.
 */
export function createKernel(): Kernel {
  shared ??= new RealKernel();
  return shared;
}
