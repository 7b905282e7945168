import type { Program } from './program/program.js';

/** How a process ended: an exit code, or the signal that killed it. */
export type ExitStatus =
  | { code: number; signal?: undefined; coreDumped?: undefined }
  | { code?: undefined; signal: NodeJS.Signals | `SIG${number}`; signalNumber: number; coreDumped: boolean };

/** A NOTIFY record the child wrote on its sync socket. */
/** One fsconfig(FSCONFIG_SET_STRING) of `Kernel.mountDetached`. */
export interface FsParamString {
  readonly key: string;
  readonly value: string;
  /** The step, for an error: `add the lower layer /l/abc to the overlay`. */
  readonly label: string;
}

export interface Notification {
  /** Index of the op that wrote it (a NOTIFY or FORK op). */
  op: number;
  /** The op's label. */
  label: string;
  /** The value written: a NOTIFY op's argument, or a FORK op's new pid. */
  value: bigint;
}

export interface SpawnOptions {
  /** `CLONE_NEW*` flags (and others clone3 accepts) for the child. `CLONE_PIDFD` is always added. */
  cloneFlags?: number | bigint;
  /** A cgroup v2 directory fd: the child starts in it (`CLONE_INTO_CGROUP`). */
  cgroupFd?: number;
  /**
   * An fd of the static gc-exec (best a sealed copy: @gc/runtime's
   * execHelperFd): the child then never copies this process's memory. It is
   * cloned sharing it, on a small stack of its own, and at once execs
   * gc-exec, which runs the whole program (posix_spawn's way; see
   * @gc/native's README). Not with a new user namespace (`CLONE_NEWUSER`):
   * an exec before its id maps are written would lose every capability, so
   * such a child is cloned as without this option, and a REEXEC op moves it
   * to gc-exec later. Ignored where @gc/native has no such clone (an
   * architecture other than x86_64).
   */
  executor?: number;
}

/** A child process of ours, watched until it exits. */
export interface ProcessHandle {
  readonly pid: number;
  /** A pidfd for the process (CLOEXEC); closed by the handle once `exited` settles. */
  readonly pidfd: number;
  /** Resolves once the process was reaped. Never rejects. */
  readonly exited: Promise<ExitStatus>;
  /** Send a signal (default SIGKILL) through the pidfd; a no-op once the process was reaped. */
  kill(signal?: NodeJS.Signals | number): void;
  /**
   * Stop watching the process: it runs on, `exited` (and `started`) never
   * settle, and it no longer keeps Node alive. For a process left to another
   * reaper, such as a created container's init left to containerd's shim.
   */
  forget(): void;
}

/** A process started by `Kernel.spawn`. */
export interface SpawnedChild extends ProcessHandle {
  /**
   * Resolves when the program reached its `execve` (the error pipe closed with
   * nothing on it); rejects with a `SyscallError` naming the failing op's label
   * (a `RunError` when a `runAndWait` op's program failed).
   */
  readonly started: Promise<void>;
  /** The next NOTIFY record from the child, in order. Rejects if the child closed its sync socket. */
  nextNotification(): Promise<Notification>;
  /** Answer the child's next WAIT op with a value (default 0); a negative value makes the op fail with errno -value. */
  release(value?: number | bigint): void;
}

/** A terminal's size (`struct winsize`, without the pixel sizes). */
export interface WindowSize {
  rows: number;
  columns: number;
}

/** Fds of an opened pseudo-terminal pair. */
export interface Pty {
  master: number;
  slave: number;
  /** `/dev/pts/N` */
  path: string;
}

/** An eBPF program for `bpf(BPF_PROG_LOAD)`. */
export interface BpfProgram {
  /** `BPF_PROG_TYPE_*` */
  type: number;
  /** The instructions, 8 bytes each (`struct bpf_insn`, little-endian). */
  insns: Uint8Array;
  /** The license string the kernel checks helper calls against. */
  license: string;
  /** `expected_attach_type` (`BPF_CGROUP_DEVICE`, ...); default 0. */
  expectedAttachType?: number;
  /** Shown by bpftool (at most 15 characters are kept). */
  name?: string;
}

/** A time as `struct timespec` holds it. */
export interface Timespec {
  sec: number;
  nsec: number;
}

/** A reaped or still-running child, as `waitid` reports it. */
export interface WaitResult {
  pid: number;
  status: ExitStatus;
}

/**
 * The narrow interface to the kernel that every gocontainer package uses.
 * `createKernel()` returns the real one (koffi, Linux only); `FakeKernel`
 * from `@gc/syscall/testing` records calls and runs Programs symbolically.
 * Every method throws `SyscallError` on failure.
 */
export interface Kernel {
  readonly arch: 'x64' | 'arm64';
  /** clone() a child that runs the program. Never blocks the event loop after the clone. */
  spawn(program: Program, options?: SpawnOptions): SpawnedChild;
  /**
   * Watch a process that is already our child, such as the grandchild a FORK
   * op with `CLONE_PARENT` made: reaped by the same thread as spawned ones.
   */
  attach(pid: number): ProcessHandle;

  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number | bigint,
    data?: string | null,
  ): void;
  umount2(target: string, flags?: number): void;
  /** openat2(2); `resolve` takes `RESOLVE_*` flags. Returns the fd. */
  openat2(
    dirfd: number,
    path: string,
    how: { flags: number | bigint; mode?: number; resolve?: number | bigint },
  ): number;
  openat(dirfd: number, path: string, flags: number, mode?: number): number;
  close(fd: number): void;
  read(fd: number, buffer: Uint8Array): number;
  write(fd: number, data: Uint8Array | string): number;
  /** Returns [readFd, writeFd]. */
  pipe2(flags?: number): [number, number];
  socketpair(domain: number, type: number, protocol?: number): [number, number];
  /**
   * A stream socket connected to the unix socket at `path` (OCI
   * `--console-socket`): socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC) and
   * connect(2). Returns the fd (CLOEXEC). A path longer than `sun_path`
   * (107 bytes) fails with ENAMETOOLONG.
   */
  connectUnix(path: string): number;
  /** mkfifo(3) (`mknodat` with S_IFIFO): a named pipe, such as a created container's exec fifo. */
  mkfifo(path: string, mode: number): void;
  pidfdOpen(pid: number, flags?: number): number;
  pidfdSendSignal(pidfd: number, signal: NodeJS.Signals | number): void;
  /** waitid(P_PID / P_PIDFD, ..., WEXITED | WNOHANG): null while the process still runs. */
  waitidNoHang(idtype: 'pid' | 'pidfd', id: number): WaitResult | null;
  prctl(
    option: number,
    arg2?: number | bigint,
    arg3?: number | bigint,
    arg4?: number | bigint,
    arg5?: number | bigint,
  ): number;
  /** sendmsg(2) with SCM_RIGHTS. */
  sendFds(socket: number, fds: number[], data?: Uint8Array): void;
  /** recvmsg(2) with SCM_RIGHTS; the received fds are CLOEXEC. */
  recvFds(socket: number, maxFds: number, maxData?: number): { fds: number[]; data: Uint8Array };
  /** memfd_create(2); `flags` takes `MFD_*`. Returns the fd. */
  memfdCreate(name: string, flags: number): number;
  /**
   * A new filesystem of type `fstype` (`overlay`, `tmpfs`) with `params`
   * set as fsconfig strings, as a detached mount: fsopen, fsconfig,
   * fsmount, attached to no path in any mount namespace. Returns the mount's
   * fd (CLOEXEC), a directory fd of its root (`/proc/self/fd/N` names it);
   * the mount goes when the last fd of it is closed, so nothing of it can
   * outlive this process. Each param's `label` names the step in an error.
   * `readOnly`: the mount is read-only (MOUNT_ATTR_RDONLY).
   */
  mountDetached(
    fstype: string,
    params: readonly FsParamString[],
    what: string,
    options?: { readOnly?: boolean },
  ): number;
  /**
   * flock(2): `operation` takes `LOCK_SH`, `LOCK_EX` or `LOCK_UN`, with
   * `LOCK_NB` to fail with EAGAIN rather than block (a blocking call would
   * stop the event loop).
   */
  flock(fd: number, operation: number): void;
  /** fcntl(2) with an integer argument (`F_ADD_SEALS`, `F_GETFD`, ...). */
  fcntl(fd: number, cmd: number, arg?: number): number;
  /** The terminal settings of `fd` (`TCGETS`: the kernel's 36-byte `struct termios`, see `makeRaw`). */
  getTermios(fd: number): Uint8Array;
  /** Set them (`TCSETSW`: after the output written so far went out). */
  setTermios(fd: number, termios: Uint8Array): void;
  /** `TIOCGWINSZ`. */
  getWindowSize(fd: number): WindowSize;
  /** `TIOCSWINSZ`: the kernel sends SIGWINCH to the terminal's foreground process group. */
  setWindowSize(fd: number, size: WindowSize): void;
  /** isatty(3): is `fd` a terminal? (node:tty would load node:net at start-up.) */
  isatty(fd: number): boolean;
  /**
   * bpf(BPF_PROG_LOAD): returns the program's fd (CLOEXEC). A program the
   * verifier refuses fails with the verifier's log in the error message.
   */
  bpfProgLoad(program: BpfProgram): number;
  /** bpf(BPF_PROG_ATTACH): attach a loaded program to a target (a cgroup directory fd); `flags` takes `BPF_F_*`. */
  bpfProgAttach(targetFd: number, progFd: number, attachType: number, flags?: number): void;
  /** setxattr(2): set the extended attribute `name` (`user.x`) of `path` to `value`. */
  setxattr(path: string, name: string, value: string): void;
  /** getxattr(2): the attribute's value; undefined when `path` has none of that name (ENODATA). */
  getxattr(path: string, name: string): string | undefined;
  /** fsetxattr(2): set the extended attribute `name` of the file `fd` is open on. */
  fsetxattr(fd: number, name: string, value: Uint8Array | string): void;
  /** lsetxattr(2): as setxattr, but on a symlink itself rather than its target. */
  lsetxattr(path: string, name: string, value: Uint8Array | string): void;
  /** mkdirat(2). */
  mkdirat(dirfd: number, path: string, mode: number): void;
  /** mknodat(2): `mode` holds the file type (`S_IFCHR`, `S_IFBLK`, `S_IFIFO`) and the permissions. */
  mknodat(dirfd: number, path: string, mode: number, major?: number, minor?: number): void;
  /** symlinkat(2): make `path` (relative to `dirfd`) a symlink holding `target`. */
  symlinkat(target: string, dirfd: number, path: string): void;
  /** linkat(2): a hard link `newPath` to `oldPath`; `flags` takes `AT_SYMLINK_FOLLOW`, `AT_EMPTY_PATH`. */
  linkat(oldDirfd: number, oldPath: string, newDirfd: number, newPath: string, flags?: number): void;
  /** unlinkat(2); `flags` takes `AT_REMOVEDIR`. */
  unlinkat(dirfd: number, path: string, flags?: number): void;
  /** fchownat(2): numeric owner and group; `flags` takes `AT_SYMLINK_NOFOLLOW`, `AT_EMPTY_PATH`. */
  fchownat(dirfd: number, path: string, uid: number, gid: number, flags?: number): void;
  /** fchmodat(2), which follows a symlink `path` names (the kernel's call takes no flags). */
  fchmodat(dirfd: number, path: string, mode: number): void;
  /** utimensat(2): access and modification times; `flags` takes `AT_SYMLINK_NOFOLLOW`, `AT_EMPTY_PATH`. */
  utimensat(dirfd: number, path: string, atime: Timespec, mtime: Timespec, flags?: number): void;
  /**
   * copy_file_range(2): up to `length` bytes of `fdIn` from `offsetIn` (its
   * file offset left alone) to `fdOut` at its file offset, copied inside the
   * kernel; returns the bytes copied (fewer than asked at the input's end,
   * 0 past it). Optional: a kernel without it leaves the caller to read and
   * write (as does EXDEV, EINVAL or EOPNOTSUPP for files it cannot copy between).
   */
  copyFileRange?(fdIn: number, offsetIn: number, fdOut: number, length: number): number;
  /** posix_openpt + grantpt + unlockpt, and the slave opened (both CLOEXEC, O_NOCTTY). */
  openPty(): Pty;
}
