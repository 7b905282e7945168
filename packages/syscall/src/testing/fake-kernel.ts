import { type Arch, currentArch } from '../arch.js';
import { SyscallError } from '../errors.js';
import type {
  BpfProgram,
  ExitStatus,
  FsParamString,
  Kernel,
  ProcessHandle,
  Pty,
  SpawnOptions,
  Timespec,
  WaitResult,
  WindowSize,
} from '../kernel.js';
import type { Program } from '../program/program.js';
import { signalName, signalNumber } from '../signals.js';
import type { FakeCall, FakeCallArgs, FakeCallName, FakeProgramRun, FakeSyscallHandler } from './fake-calls.js';
import { FakeChild } from './fake-child.js';
import { type FailRule, FailurePlan } from './fake-failures.js';

export interface FakeKernelOptions {
  /** The arch the fake pretends to run on (default: this machine's); spawn refuses programs for another, as the executor does. */
  readonly arch?: Arch;
  /** Answer a WAIT that has nothing queued with 0 instead of suspending the child. */
  readonly autoRelease?: boolean;
  /** The first fd the fake hands out (default 100). */
  readonly firstFd?: number;
  /** The first pid the fake hands out (default 4000). */
  readonly firstPid?: number;
}

const ENOEXEC = 8;

function bytesOf(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : Uint8Array.from(value);
}

/**
 * A Kernel that touches nothing: it records every call (`calls`), runs spawned
 * Programs symbolically (`programRuns`), and fails the calls you tell it to.
 *
 * How a spawned program runs, synchronously inside `spawn()` and `release()`:
 * - SYSCALL ops return what `onSyscall(name, handler)` returns, else 0; an
 *   injected or handler-thrown errno fails the program unless tolerated, in
 *   which case the result is -errno, as in the executor.
 * - WAIT takes the next value queued by `child.release()`. With nothing queued
 *   the child suspends until `release()` (or, with `autoRelease`, reads 0);
 *   `child.closeSync()` makes it fail with EPIPE instead.
 * - NOTIFY and FORK queue notifications for `nextNotification()`. After FORK,
 *   `exited` resolves `{ code: 0 }`: the spawned process exits, its child goes on.
 * - EXECVP records `{ file, argv, env, path }` and ends the run: `started`
 *   resolves and `exited` resolves as `exitWith()` says (default `{ code: 0 }`).
 * - RUN (`runAndWait`) succeeds unless an `onSyscall('run', handler)` throws:
 *   a `RunError` fails the op as its `word` says (an exit code, a timeout),
 *   a `SyscallError` with its errno. The record holds path, argv, env, fds.
 * - A failing op rejects `started` with a SyscallError carrying the op's label
 *   and package (a RunError for RUN); `exited` resolves `{ code: 255 }`.
 *
 * `failNth(n)` counts in-process calls and SYSCALL ops together, 1-based;
 * `spawn()` itself is not counted, but `fail({ syscall: 'spawn' })` fails it.
 */
export class FakeKernel implements Kernel {
  readonly arch: Arch;
  /** Every call in order, with typed arguments. */
  readonly calls: FakeCall[] = [];
  /** Every spawned program and what became of it. */
  readonly programRuns: FakeProgramRun[] = [];

  readonly #autoRelease: boolean;
  readonly #failures = new FailurePlan();
  readonly #handlers = new Map<string, FakeSyscallHandler>();
  readonly #children: FakeChild[] = [];
  readonly #openFds = new Set<number>();
  readonly #xattrs = new Map<string, string>();
  #nextFd: number;
  #nextPid: number;
  #nextPty = 0;
  readonly #termios = new Map<number, Uint8Array>();
  readonly #windowSizes = new Map<number, WindowSize>();
  #execExit: ExitStatus | 'on-kill' = { code: 0 };

  constructor(options: FakeKernelOptions = {}) {
    this.arch = options.arch ?? currentArch();
    this.#autoRelease = options.autoRelease ?? false;
    this.#nextFd = options.firstFd ?? 100;
    this.#nextPid = options.firstPid ?? 4000;
  }

  /** The result of every later call of `syscall` (program ops, and in-process calls that return one number). */
  onSyscall(syscall: string, handler: FakeSyscallHandler): this {
    this.#handlers.set(syscall, handler);
    return this;
  }

  /** Fail the nth (1-based) call or SYSCALL op from now on, counting both, with `errno` (`'EPERM'` or 1). */
  failNth(n: number, errno: string | number): this {
    this.#failures.failNth(n, errno);
    return this;
  }

  /** Fail the calls or ops a rule matches (by syscall, Kernel method or op kind name; optionally by label and nth). */
  fail(rule: FailRule): this {
    this.#failures.fail(rule);
    return this;
  }

  /** How children that reach their exec end: a status (or exit code), or `'on-kill'` to stay running until `kill()`. */
  exitWith(status: ExitStatus | number | 'on-kill'): this {
    this.#execExit = typeof status === 'number' ? { code: status } : status;
    return this;
  }

  /** The arguments of every recorded call of one method. */
  callsOf<K extends FakeCallName>(call: K): FakeCallArgs[K][] {
    return this.calls
      .filter((c): c is Extract<FakeCall, { call: K }> => c.call === call)
      .map((c) => c.args as FakeCallArgs[K]);
  }

  /** Fds the fake handed out and that were not closed since. */
  get openFds(): ReadonlySet<number> {
    return this.#openFds;
  }

  /** The last program run, for short assertions. */
  get lastRun(): FakeProgramRun | undefined {
    return this.programRuns.at(-1);
  }

  spawn(program: Program, options: SpawnOptions = {}): FakeChild {
    const args = { cloneFlags: BigInt(options.cloneFlags ?? 0), cgroupFd: options.cgroupFd };
    const entry = this.#record('spawn', 'clone3', args);
    const errno =
      program.arch === this.arch
        ? this.#failures.check({ syscall: 'clone3', method: 'spawn', counted: false })
        : ENOEXEC;
    if (errno !== undefined) this.#throw(entry, { syscall: 'clone3', errno, label: 'spawn the container process' });
    const pid = this.#nextPid++;
    const pidfd = this.#allocFd();
    entry.result = pid;
    const child = new FakeChild(
      {
        autoRelease: this.#autoRelease,
        checkFailure: (event) => this.#failures.check(event),
        handler: (syscall) => this.#handlers.get(syscall),
        allocPid: () => this.#nextPid++,
        execExit: () => this.#execExit,
        recordKill: (childPid, signal) => {
          this.#record('kill', 'pidfd_send_signal', { pid: childPid, signal });
        },
      },
      program,
      options,
      pid,
      pidfd,
    );
    this.#children.push(child);
    this.programRuns.push(child.run);
    child.resume();
    return child;
  }

  /**
   * A handle on a process that is already ours (a forked grandchild): it ends
   * as `exitWith()` says, like a child that reached its exec.
   */
  attach(pid: number): ProcessHandle {
    const entry = this.#record('attach', 'pidfd_open', { pid });
    const errno = this.#failures.check({ syscall: 'pidfd_open', method: 'attach', counted: true });
    if (errno !== undefined) this.#throw(entry, { syscall: 'pidfd_open', errno, label: `open a pidfd for pid ${pid}` });
    const pidfd = this.#allocFd();
    entry.result = pidfd;
    let resolveExited!: (status: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((resolve) => {
      resolveExited = resolve;
    });
    const exit = this.#execExit;
    let alive = true;
    if (exit !== 'on-kill') {
      alive = false;
      resolveExited(exit);
    }
    return {
      pid,
      pidfd,
      exited,
      kill: (signal: NodeJS.Signals | number = 'SIGKILL') => {
        const sig = signalNumber(signal);
        this.#record('kill', 'pidfd_send_signal', { pid, signal: sig });
        if (!alive) return;
        alive = false;
        resolveExited({ signal: signalName(sig) as NodeJS.Signals, signalNumber: sig, coreDumped: false });
      },
      forget: () => {
        alive = false;
      },
    };
  }

  memfdCreate(name: string, flags: number): number {
    return this.#callFd('memfdCreate', 'memfd_create', { name, flags }, name, [name, flags]);
  }

  /** Records the filesystem and its params; the fd names nothing on the host. */
  mountDetached(
    fstype: string,
    params: readonly FsParamString[],
    what: string,
    options: { readOnly?: boolean } = {},
  ): number {
    const args = {
      fstype,
      params: params.map(({ key, value }) => ({ key, value })),
      readOnly: options.readOnly === true,
    };
    return this.#callFd('mountDetached', 'fsmount', args, what, [fstype, args.params]);
  }

  /** Not a terminal, unless a test's hook answers 1. */
  isatty(fd: number): boolean {
    return this.#callNumber('isatty', 'ioctl', { fd }, undefined, [fd], () => 0) === 1;
  }

  fcntl(fd: number, cmd: number, arg = 0): number {
    return this.#callNumber('fcntl', 'fcntl', { fd, cmd, arg }, undefined, [fd, cmd, arg], () => 0);
  }

  /** Records the call; takes no lock (fail it with a rule, e.g. `{ syscall: 'flock', errno: 'EAGAIN' }`, to play a held lock). */
  flock(fd: number, operation: number): void {
    this.#call('flock', 'flock', { fd, operation });
  }

  /** Kept in memory, by path and name: getxattr reads back what setxattr wrote. */
  setxattr(path: string, name: string, value: string): void {
    this.#call('setxattr', 'setxattr', { path, name, value }, path);
    this.#xattrs.set(`${path}\0${name}`, value);
  }

  getxattr(path: string, name: string): string | undefined {
    const entry = this.#call('getxattr', 'getxattr', { path, name }, path);
    const value = this.#xattrs.get(`${path}\0${name}`);
    entry.result = value;
    return value;
  }

  /** Records a copy of the value; reads of it go through `lsetxattr`'s and `setxattr`'s store only. */
  fsetxattr(fd: number, name: string, value: Uint8Array | string): void {
    this.#call('fsetxattr', 'fsetxattr', { fd, name, value: bytesOf(value) });
  }

  /** Kept in memory as setxattr's are (getxattr reads it back, as UTF-8). */
  lsetxattr(path: string, name: string, value: Uint8Array | string): void {
    const bytes = bytesOf(value);
    this.#call('lsetxattr', 'lsetxattr', { path, name, value: bytes }, path);
    this.#xattrs.set(`${path}\0${name}`, new TextDecoder().decode(bytes));
  }

  mkdirat(dirfd: number, path: string, mode: number): void {
    this.#call('mkdirat', 'mkdirat', { dirfd, path, mode }, path);
  }

  mknodat(dirfd: number, path: string, mode: number, major = 0, minor = 0): void {
    this.#call('mknodat', 'mknodat', { dirfd, path, mode, major, minor }, path);
  }

  symlinkat(target: string, dirfd: number, path: string): void {
    this.#call('symlinkat', 'symlinkat', { target, dirfd, path }, path);
  }

  linkat(oldDirfd: number, oldPath: string, newDirfd: number, newPath: string, flags = 0): void {
    this.#call('linkat', 'linkat', { oldDirfd, oldPath, newDirfd, newPath, flags }, newPath);
  }

  unlinkat(dirfd: number, path: string, flags = 0): void {
    this.#call('unlinkat', 'unlinkat', { dirfd, path, flags }, path);
  }

  fchownat(dirfd: number, path: string, uid: number, gid: number, flags = 0): void {
    this.#call('fchownat', 'fchownat', { dirfd, path, uid, gid, flags }, path);
  }

  fchmodat(dirfd: number, path: string, mode: number): void {
    this.#call('fchmodat', 'fchmodat', { dirfd, path, mode }, path);
  }

  utimensat(dirfd: number, path: string, atime: Timespec, mtime: Timespec, flags = 0): void {
    this.#call('utimensat', 'utimensat', { dirfd, path, atime: { ...atime }, mtime: { ...mtime }, flags }, path);
  }

  mount(
    source: string | null,
    target: string,
    fstype: string | null,
    flags: number | bigint,
    data: string | null = null,
  ): void {
    this.#call('mount', 'mount', { source, target, fstype, flags, data }, target);
  }

  umount2(target: string, flags = 0): void {
    this.#call('umount2', 'umount2', { target, flags }, target);
  }

  openat2(
    dirfd: number,
    path: string,
    how: { flags: number | bigint; mode?: number; resolve?: number | bigint },
  ): number {
    const args = { dirfd, path, how: { flags: how.flags, mode: how.mode ?? 0, resolve: how.resolve ?? 0 } };
    return this.#callFd('openat2', 'openat2', args, path, [dirfd, path, args.how]);
  }

  openat(dirfd: number, path: string, flags: number, mode = 0): number {
    return this.#callFd('openat', 'openat', { dirfd, path, flags, mode }, path, [dirfd, path, flags, mode]);
  }

  close(fd: number): void {
    this.#call('close', 'close', { fd });
    this.#openFds.delete(fd);
  }

  /** Reads nothing (EOF) unless an `onSyscall('read')` handler returns a length. */
  read(fd: number, buffer: Uint8Array): number {
    return this.#callNumber('read', 'read', { fd, length: buffer.length }, undefined, [fd, buffer], () => 0);
  }

  write(fd: number, data: Uint8Array | string): number {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data);
    return this.#callNumber('write', 'write', { fd, data: bytes }, undefined, [fd, bytes], () => bytes.length);
  }

  pipe2(flags = 0): [number, number] {
    const entry = this.#call('pipe2', 'pipe2', { flags });
    const fds: [number, number] = [this.#allocFd(), this.#allocFd()];
    entry.result = fds;
    return fds;
  }

  socketpair(domain: number, type: number, protocol = 0): [number, number] {
    const entry = this.#call('socketpair', 'socketpair', { domain, type, protocol });
    const fds: [number, number] = [this.#allocFd(), this.#allocFd()];
    entry.result = fds;
    return fds;
  }

  /** Hands out an fd; `fail({ syscall: 'connect' })` (or `connectUnix`) fails it, as a missing socket would. */
  connectUnix(path: string): number {
    return this.#callFd('connectUnix', 'connect', { path }, path, [path]);
  }

  mkfifo(path: string, mode: number): void {
    this.#call('mkfifo', 'mknodat', { path, mode });
  }

  pidfdOpen(pid: number, flags = 0): number {
    return this.#callFd('pidfdOpen', 'pidfd_open', { pid, flags }, undefined, [pid, flags]);
  }

  pidfdSendSignal(pidfd: number, signal: NodeJS.Signals | number): void {
    this.#call('pidfdSendSignal', 'pidfd_send_signal', { pidfd, signal: signalNumber(signal) });
  }

  /** The status of a spawned child once it exited, else null. */
  waitidNoHang(idtype: 'pid' | 'pidfd', id: number): WaitResult | null {
    const entry = this.#call('waitidNoHang', 'waitid', { idtype, id });
    const child = this.#children.find((c) => (idtype === 'pid' ? c.pid === id : c.pidfd === id));
    const status = child?.run.exitStatus;
    const result = child && status ? { pid: child.pid, status } : null;
    entry.result = result;
    return result;
  }

  prctl(
    option: number,
    arg2: number | bigint = 0,
    arg3: number | bigint = 0,
    arg4: number | bigint = 0,
    arg5: number | bigint = 0,
  ): number {
    const args = { option, arg2, arg3, arg4, arg5 };
    return this.#callNumber('prctl', 'prctl', args, undefined, [option, arg2, arg3, arg4, arg5], () => 0);
  }

  sendFds(socket: number, fds: number[], data?: Uint8Array): void {
    this.#call('sendFds', 'sendmsg', { socket, fds: [...fds], data });
  }

  /** Receives nothing: no fds, no data. */
  recvFds(socket: number, maxFds: number, maxData = 1): { fds: number[]; data: Uint8Array } {
    const entry = this.#call('recvFds', 'recvmsg', { socket, maxFds, maxData });
    const result = { fds: [], data: new Uint8Array(0) };
    entry.result = result;
    return result;
  }

  /** Records the program (a copy of its instructions) and hands out an fd. */
  bpfProgLoad(program: BpfProgram): number {
    const args = {
      type: program.type,
      insns: Uint8Array.from(program.insns),
      license: program.license,
      expectedAttachType: program.expectedAttachType ?? 0,
      name: program.name,
    };
    return this.#callFd('bpfProgLoad', 'bpf', args, undefined, [args]);
  }

  bpfProgAttach(targetFd: number, progFd: number, attachType: number, flags = 0): void {
    this.#call('bpfProgAttach', 'bpf', { targetFd, progFd, attachType, flags });
  }

  openPty(): Pty {
    const entry = this.#call('openPty', 'openat', {}, '/dev/ptmx');
    const pty = { master: this.#allocFd(), slave: this.#allocFd(), path: `/dev/pts/${this.#nextPty++}` };
    entry.result = pty;
    return pty;
  }

  /** Settings a test set with `setTermios`, else 36 zero bytes (an fd that is no terminal fails only if a rule says so). */
  getTermios(fd: number): Uint8Array {
    const entry = this.#call('getTermios', 'ioctl', { fd });
    const termios = Uint8Array.from(this.#termios.get(fd) ?? new Uint8Array(36));
    entry.result = termios;
    return termios;
  }

  setTermios(fd: number, termios: Uint8Array): void {
    this.#call('setTermios', 'ioctl', { fd, termios: Uint8Array.from(termios) });
    this.#termios.set(fd, Uint8Array.from(termios));
  }

  /** What `setWindowSize` set, else 24x80. */
  getWindowSize(fd: number): WindowSize {
    const entry = this.#call('getWindowSize', 'ioctl', { fd });
    const size = { ...(this.#windowSizes.get(fd) ?? { rows: 24, columns: 80 }) };
    entry.result = size;
    return size;
  }

  setWindowSize(fd: number, size: WindowSize): void {
    this.#call('setWindowSize', 'ioctl', { fd, rows: size.rows, columns: size.columns });
    this.#windowSizes.set(fd, { rows: size.rows, columns: size.columns });
  }

  #allocFd(): number {
    const fd = this.#nextFd++;
    this.#openFds.add(fd);
    return fd;
  }

  #record<K extends FakeCallName>(call: K, syscall: string, args: FakeCallArgs[K]): Extract<FakeCall, { call: K }> {
    const entry = { call, syscall, args } as Extract<FakeCall, { call: K }>;
    this.calls.push(entry);
    return entry;
  }

  /** Records the call and throws a SyscallError if a rule fails it. */
  #call<K extends FakeCallName>(
    call: K,
    syscall: string,
    args: FakeCallArgs[K],
    path?: string,
  ): Extract<FakeCall, { call: K }> {
    const entry = this.#record(call, syscall, args);
    const errno = this.#failures.check({ syscall, method: call, counted: true });
    if (errno !== undefined) this.#throw(entry, path === undefined ? { syscall, errno } : { syscall, errno, path });
    return entry;
  }

  #callNumber<K extends FakeCallName>(
    call: K,
    syscall: string,
    args: FakeCallArgs[K],
    path: string | undefined,
    positional: unknown[],
    fallback: () => number,
  ): number {
    const entry = this.#call(call, syscall, args, path);
    const handler = this.#handlers.get(syscall);
    let result: number;
    try {
      const value = handler?.({ syscall, args: positional });
      result = value === undefined ? fallback() : Number(value);
    } catch (error) {
      if (!SyscallError.isInstance(error)) throw error;
      this.#throw(entry, path === undefined ? { syscall, errno: error.errno } : { syscall, errno: error.errno, path });
    }
    entry.result = result;
    return result;
  }

  #callFd<K extends FakeCallName>(
    call: K,
    syscall: string,
    args: FakeCallArgs[K],
    path: string | undefined,
    positional: unknown[],
  ): number {
    const fd = this.#callNumber(call, syscall, args, path, positional, () => this.#allocFd());
    this.#openFds.add(fd);
    return fd;
  }

  #throw(entry: FakeCall, opts: ConstructorParameters<typeof SyscallError>[0]): never {
    const error = new SyscallError(opts);
    entry.error = error;
    throw error;
  }
}
