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

const CLONE_NEWUSER_BIG = BigInt(CLONE_NEWUSER);
const ENOSYS = 38;

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
function signalPidfd(c: Libc, pidfd: number, pid: number, signal: NodeJS.Signals | number): void {
  const sig = signalNumber(signal);
  const r = Number(c.pidfd_send_signal(pidfd, sig));
  if (r < 0) {
    const errno = c.errno();
    if (errno !== 3)
      throw new SyscallError({ syscall: 'pidfd_send_signal', errno, label: `send signal ${sig} to pid ${pid}` });
  }
}

/** Watch a process that is already our child; see `Kernel.attach`. */
export function attachProcess(c: Libc, watcher: ExitWatcher, pid: number): ProcessHandle {
  const pidfd = Number(c.pidfd_open(pid, 0));
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
      if (alive) signalPidfd(c, pidfd, pid, signal);
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
  private readonly notifications: Notification[] = [];
  private readonly waiters: Array<{ resolve: (n: Notification) => void; reject: (e: Error) => void }> = [];
  private syncClosed: Error | undefined;
  private readonly token: bigint;
  private readonly hasSync: boolean;

  /**
   * `syncFd`: this end of the sync socket, for the releases; with
   * `readsRecords` the reaper thread reads the child's records from a copy
   * of it, watched from the spawn on, so that records written just before
   * an exit are never lost (and no node:net socket is needed: loading it
   * costs a few ms of every cold start).
   */
  constructor(
    private readonly c: Libc,
    private readonly watcher: ExitWatcher,
    private readonly program: Program,
    readonly pid: number,
    readonly pidfd: number,
    errPipe: number,
    private syncFd: number,
    private readonly readsRecords: boolean,
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
    this.hasSync = syncFd >= 0;
    const watchSync = syncFd >= 0 && readsRecords;
    this.token = watcher.watch(
      pidfd,
      errPipe,
      (event: WatchEvent) => {
        if (event.kind === 'started') resolveStarted();
        else if (event.kind === 'failed') rejectStarted(this.opError(event.op, event.errno));
        else if (event.kind === 'notified') this.onRecord(event.op, event.value);
        else if (event.kind === 'sync-closed') this.onSyncClosed();
        else {
          this.alive = false;
          this.c.close(this.pidfd);
          // Records keep coming until the sync socket's end (a forked grandchild may hold it).
          if (!this.readsRecords) this.closeSync();
          resolveExited(exitStatusFromSiginfo(event.siCode, event.siStatus));
        }
      },
      watchSync ? syncFd : null,
    );
  }

  private opError(op: number, errno: number): SyscallError | RunError {
    const d = this.program.describe(op);
    if (d.kind === 'run') return new RunError({ label: d.label, pkg: d.pkg, op, word: errno });
    return new SyscallError({ syscall: d.syscall ?? d.kind, errno, label: d.label, pkg: d.pkg, op });
  }

  kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
    if (this.alive) signalPidfd(this.c, this.pidfd, this.pid, signal);
  }

  forget(): void {
    // Also after the exit: the error pipe is still watched while a process
    // forked by the program (a PID namespace join) holds it. The reaper's
    // copy of the sync socket goes with the watch.
    this.watcher.forget(this.token);
    if (this.alive) this.c.close(this.pidfd);
    this.alive = false;
    this.closeSync();
  }

  nextNotification(): Promise<Notification> {
    const queued = this.notifications.shift();
    if (queued) return Promise.resolve(queued);
    if (this.syncClosed) return Promise.reject(this.syncClosed);
    if (!this.readsRecords) return Promise.reject(new TypeError('this program has no notify or fork op'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  release(value: number | bigint = 0): void {
    if (!this.hasSync) throw new TypeError('this program has no wait, notify or fork op: nothing to release');
    // Closed: the child is gone, as its exit reports.
    if (this.syncFd < 0) return;
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    // 8 bytes into an empty socket buffer: never blocks. A child that died
    // (EPIPE) is reported by its exit.
    this.c.write(this.syncFd, buf, buf.length);
  }

  private closeSync(): void {
    if (this.syncFd >= 0) this.c.close(this.syncFd);
    this.syncFd = -1;
  }

  private onRecord(op: number, value: bigint): void {
    const n: Notification = { op, label: this.program.describe(op).label, value };
    const w = this.waiters.shift();
    if (w) w.resolve(n);
    else this.notifications.push(n);
  }

  private onSyncClosed(): void {
    // No process holds the child's end any more: nothing is left to release.
    this.closeSync();
    this.syncClosed = new Error(`pid ${this.pid} closed its sync socket`);
    for (const w of this.waiters.splice(0)) w.reject(this.syncClosed);
  }
}
