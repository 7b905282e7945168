import { Socket } from 'node:net';
import { SyscallError } from './errors.js';
import type { Libc } from './libc.js';

const EVENT_SIZE = 24;

/** What the native reaper thread reports; see docs/program-format.md. */
export type WatchEvent =
  | { kind: 'exited'; pid: number; siCode: number; siStatus: number }
  | { kind: 'started' }
  | { kind: 'failed'; op: number; errno: number };

type Listener = (event: WatchEvent) => void;

const WATCH_PIDFD = 0;
const WATCH_ERRPIPE = 1;

/**
 * The Node end of the native reaper thread: one pipe, read as a stream, for
 * the exits and exec outcomes of every child. The stream is unref'd while
 * nothing is watched, so it never keeps the process alive on its own.
 */
export class ExitWatcher {
  private socket: Socket | undefined;
  private readonly listeners = new Map<bigint, Listener>();
  private readonly pending = new Map<bigint, number>();
  private nextToken = 1n;
  private partial = Buffer.alloc(0);

  constructor(private readonly c: Libc) {}

  /**
   * Watch a child's pidfd and (optionally) its error pipe, which the reaper
   * takes over. The listener gets one event per watched fd.
   */
  watch(pidfd: number, errPipe: number | null, listener: Listener): void {
    this.ensureStarted();
    const token = this.nextToken++;
    this.listeners.set(token, listener);
    this.pending.set(token, errPipe === null ? 1 : 2);
    this.add(pidfd, token, WATCH_PIDFD, 'watch a child pidfd');
    if (errPipe !== null) this.add(errPipe, token, WATCH_ERRPIPE, 'watch a child error pipe');
    this.socket?.ref();
  }

  private add(fd: number, token: bigint, kind: number, label: string): void {
    const r = Number(this.c.gc_reaper_watch(fd, token, kind));
    if (r < 0) throw new SyscallError({ syscall: 'epoll_ctl', errno: -r, label });
  }

  private ensureStarted(): void {
    if (this.socket) return;
    const fd = Number(this.c.gc_reaper_start());
    if (fd < 0) throw new SyscallError({ syscall: 'pthread_create', errno: -fd, label: 'start the reaper thread' });
    const socket = new Socket({ fd, readable: true, writable: false });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket = socket;
  }

  private onData(chunk: Buffer): void {
    let buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    while (buf.length >= EVENT_SIZE) {
      this.dispatch(buf.subarray(0, EVENT_SIZE));
      buf = buf.subarray(EVENT_SIZE);
    }
    this.partial = Buffer.from(buf);
  }

  private dispatch(rec: Buffer): void {
    const token = rec.readBigUInt64LE(0);
    const a = rec.readInt32LE(8);
    const b = rec.readInt32LE(12);
    const c = rec.readInt32LE(16);
    const kind = rec.readInt32LE(20);
    const listener = this.listeners.get(token);
    if (!listener) return;
    const left = (this.pending.get(token) ?? 1) - 1;
    if (left <= 0) {
      this.listeners.delete(token);
      this.pending.delete(token);
      if (this.listeners.size === 0) this.socket?.unref();
    } else {
      this.pending.set(token, left);
    }
    if (kind === 0) listener({ kind: 'exited', pid: a, siCode: b, siStatus: c });
    else if (kind === 1) listener({ kind: 'started' });
    else listener({ kind: 'failed', op: a >>> 0, errno: b });
  }
}
