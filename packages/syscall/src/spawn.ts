import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { CLONE_NEWUSER } from './constants.js';
import { SyscallError } from './errors.js';
import { exitStatusFromSiginfo } from './exit-status.js';
import type { ExitWatcher, WatchEvent } from './exit-watcher.js';
import type { ExitStatus, Notification, ProcessHandle, SpawnedChild, SpawnOptions } from './kernel.js';
import type { Libc } from './libc.js';
import { SYNC_FD } from './program/op.js';
import type { Program } from './program/program.js';
import { RunError } from './run-error.js';
import { signalNumber } from './signals.js';
import { syscallNumber } from './syscall-table.js';

const NOTIFY_RECORD = 16;
const CLONE_NEWUSER_BIG = BigInt(CLONE_NEWUSER);
const ENOSYS = 38;

/** node:net and its streams cost ~6 ms to load: only programs with notify or fork ops need them. */
function netSocket(fd: number): Socket {
  const { Socket: NetSocket } = createRequire(import.meta.url)('node:net') as typeof import('node:net');
  return new NetSocket({ fd, readable: true, writable: true });
}

/** Spawn a child that runs `program`; see `Kernel.spawn`. */
export function spawnProgram(
  c: Libc,
  watcher: ExitWatcher,
  program: Program,
  options: SpawnOptions = {},
): SpawnedChild {
  const blob = program.encode();
  const out = new Int32Array(3);
  const flags = BigInt(options.cloneFlags ?? 0);
  const cgroupFd = options.cgroupFd ?? -1;
  const executor = options.executor !== undefined && (flags & CLONE_NEWUSER_BIG) === 0n ? options.executor : -1;
  let pid = Number(c.gc_spawn(blob, blob.byteLength, flags, cgroupFd, executor, out));
  // ENOSYS: no exec path for this architecture in @gc/native; the copying clone does it all.
  if (pid === -ENOSYS && executor >= 0) pid = Number(c.gc_spawn(blob, blob.byteLength, flags, cgroupFd, -1, out));
  if (pid < 0) {
    throw new SyscallError({
      syscall: 'clone3',
      errno: -pid,
      label: -pid === 8 ? 'check the syscall program' : 'clone3 the container process',
      pkg: '@gc/syscall',
    });
  }
  const [pidfd, errPipe, syncFd] = [out[0] as number, out[1] as number, out[2] as number];
  // Kept open as long as the child may use it: also for ops that take SYNC_FD
  // as an argument (a parent-alive check sends nothing on it and fails once
  // this end is closed).
  const usesSync = program.ops.some(
    (op) => op.kind === 'wait' || op.kind === 'notify' || op.kind === 'fork' || op.args.includes(SYNC_FD),
  );
  if (!usesSync) c.close(syncFd);
  // Records come back only from notify and fork ops; releases alone are plain writes.
  const readsRecords = program.ops.some((op) => op.kind === 'notify' || op.kind === 'fork');
  return new RealChild(c, watcher, program, pid, pidfd, errPipe, usesSync ? syncFd : -1, readsRecords);
}

/** Send a signal through a pidfd; ESRCH (exited, not yet reaped) is not an error. */
function signalPidfd(
  c: Libc,
  arch: Program['arch'],
  pidfd: number,
  pid: number,
  signal: NodeJS.Signals | number,
): void {
  const sig = signalNumber(signal);
  const nr = syscallNumber('pidfd_send_signal', arch);
  const r = Number(c.syscall(nr, 'int', pidfd, 'int', sig, 'void *', null, 'uint', 0));
  if (r < 0) {
    const errno = c.errno();
    if (errno !== 3)
      throw new SyscallError({ syscall: 'pidfd_send_signal', errno, label: `send signal ${sig} to pid ${pid}` });
  }
}

/** Watch a process that is already our child; see `Kernel.attach`. */
export function attachProcess(c: Libc, watcher: ExitWatcher, arch: Program['arch'], pid: number): ProcessHandle {
  const nr = syscallNumber('pidfd_open', arch);
  const pidfd = Number(c.syscall(nr, 'int', pid, 'uint', 0));
  if (pidfd < 0)
    throw new SyscallError({ syscall: 'pidfd_open', errno: c.errno(), label: `open a pidfd for pid ${pid}` });
  let alive = true;
  let token = 0n;
  const exited = new Promise<ExitStatus>((resolve) => {
    token = watcher.watch(pidfd, null, (event) => {
      if (event.kind !== 'exited') return;
      alive = false;
      c.close(pidfd);
      resolve(exitStatusFromSiginfo(event.siCode, event.siStatus));
    });
  });
  return {
    pid,
    pidfd,
    exited,
    kill(signal: NodeJS.Signals | number = 'SIGKILL') {
      if (alive) signalPidfd(c, arch, pidfd, pid, signal);
    },
    forget() {
      if (!alive) return;
      alive = false;
      watcher.forget(token);
      c.close(pidfd);
    },
  };
}

class RealChild implements SpawnedChild {
  readonly started: Promise<void>;
  readonly exited: Promise<ExitStatus>;
  private alive = true;
  private sync: Socket | undefined;
  private syncBuffer = Buffer.alloc(0);
  private readonly notifications: Notification[] = [];
  private readonly waiters: Array<{ resolve: (n: Notification) => void; reject: (e: Error) => void }> = [];
  private syncClosed: Error | undefined;
  private readonly token: bigint;

  constructor(
    private readonly c: Libc,
    private readonly watcher: ExitWatcher,
    private readonly program: Program,
    readonly pid: number,
    readonly pidfd: number,
    errPipe: number,
    private syncFd: number,
    readsRecords: boolean,
  ) {
    let resolveStarted!: () => void;
    let rejectStarted!: (e: Error) => void;
    let resolveExited!: (s: ExitStatus) => void;
    this.started = new Promise((res, rej) => {
      resolveStarted = res;
      rejectStarted = rej;
    });
    // A caller that only awaits `exited` must not see an unhandled rejection.
    this.started.catch(() => {});
    this.exited = new Promise((res) => {
      resolveExited = res;
    });
    // Opened at once so that records written just before an exit are never
    // lost. A program that only waits gets plain writes instead: a
    // net.Socket costs ~2 ms on a cold start.
    if (syncFd >= 0 && readsRecords) this.openSync();
    this.token = watcher.watch(pidfd, errPipe, (event: WatchEvent) => {
      if (event.kind === 'started') resolveStarted();
      else if (event.kind === 'failed') rejectStarted(this.opError(event.op, event.errno));
      else {
        this.alive = false;
        this.c.close(this.pidfd);
        if (!this.sync && this.syncFd >= 0) {
          this.c.close(this.syncFd);
          this.syncFd = -1;
        }
        resolveExited(exitStatusFromSiginfo(event.siCode, event.siStatus));
      }
    });
  }

  private opError(op: number, errno: number): SyscallError | RunError {
    const d = this.program.describe(op);
    if (d.kind === 'run') return new RunError({ label: d.label, pkg: d.pkg, op, word: errno });
    return new SyscallError({ syscall: d.syscall ?? d.kind, errno, label: d.label, pkg: d.pkg, op });
  }

  kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
    if (this.alive) signalPidfd(this.c, this.program.arch, this.pidfd, this.pid, signal);
  }

  forget(): void {
    // Also after the exit: the error pipe is still watched while a process
    // forked by the program (a PID namespace join) holds it.
    this.watcher.forget(this.token);
    if (this.alive) this.c.close(this.pidfd);
    this.alive = false;
    // The net.Socket owns the fd once made.
    if (this.sync) this.sync.destroy();
    else if (this.syncFd >= 0) this.c.close(this.syncFd);
    this.sync = undefined;
    this.syncFd = -1;
  }

  nextNotification(): Promise<Notification> {
    const queued = this.notifications.shift();
    if (queued) return Promise.resolve(queued);
    if (this.syncClosed) return Promise.reject(this.syncClosed);
    if (!this.sync) return Promise.reject(new TypeError('this program has no notify or fork op'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(value: number | bigint = 0): void {
    if (!this.sync && this.syncFd < 0) {
      throw new TypeError('this program has no wait, notify or fork op: nothing to release');
    }
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    if (this.sync) this.sync.write(buf);
    // 8 bytes into an empty socket buffer: never blocks. A child that died
    // (EPIPE) is reported by its exit, as with the socket.
    else if (this.alive) this.c.write(this.syncFd, buf, buf.length);
  }

  private openSync(): void {
    const s = netSocket(this.syncFd);
    s.on('data', (chunk: Buffer) => this.onSyncData(chunk));
    s.on('error', () => {});
    s.on('close', () => this.onSyncClosed());
    // The child's exit settles everything; the socket alone must not keep Node
    // alive. It closes by itself at EOF, once every process holding the child's
    // CLOEXEC end has exec'd or exited.
    s.unref();
    this.sync = s;
  }

  private onSyncData(chunk: Buffer): void {
    let buf = this.syncBuffer.length ? Buffer.concat([this.syncBuffer, chunk]) : chunk;
    while (buf.length >= NOTIFY_RECORD) {
      const op = buf.readUInt32LE(0);
      const n: Notification = { op, label: this.program.describe(op).label, value: buf.readBigInt64LE(8) };
      const w = this.waiters.shift();
      if (w) w.resolve(n);
      else this.notifications.push(n);
      buf = buf.subarray(NOTIFY_RECORD);
    }
    this.syncBuffer = Buffer.from(buf);
  }

  private onSyncClosed(): void {
    this.syncClosed = new Error(`pid ${this.pid} closed its sync socket`);
    for (const w of this.waiters.splice(0)) w.reject(this.syncClosed);
  }
}
