import { read } from 'node:fs';
import { SyscallError } from './errors.js';
import type { Libc } from './libc.js';

const EVENT_SIZE = 24;

/** What the native reaper thread reports; see docs/program-format.md. */
export type WatchEvent =
  | { kind: 'exited'; pid: number; siCode: number; siStatus: number }
  | { kind: 'started' }
  | { kind: 'failed'; op: number; errno: number }
  | { kind: 'notified'; op: number; value: bigint }
  | { kind: 'sync-closed' };

type Listener = (event: WatchEvent) => void;

const WATCH_PIDFD = 0;
const WATCH_ERRPIPE = 1;
const WATCH_SYNC = 2;
const EVENT_NOTIFIED = 3;
const EVENT_SYNC_CLOSED = 4;

/**
 * The Node end of the native reaper thread: one pipe for the exits, exec
 * outcomes and sync records of every child. It is read with fs.read on libuv's pool, one read
 * at a time and only while something is watched: the pending read keeps the
 * process alive exactly as long as a child is watched, and one pool thread
 * waits in it for all children. (A net.Socket would do the same, but loading
 * node:net and its streams costs ~6 ms of every cold start.)
 */
export class ExitWatcher {
  private fd = -1;
  private reading = false;
  private readonly buffer = Buffer.alloc(EVENT_SIZE * 64);
  private readonly listeners = new Map<bigint, Listener>();
  /** Per watch, the events still to come that end it (exited, started or failed, sync-closed). */
  private readonly pending = new Map<bigint, number>();
  private readonly syncWatched = new Set<bigint>();
  private nextToken = 1n;
  private partial = Buffer.alloc(0);

  constructor(private readonly c: Libc) {}

  /**
   * Watch a child's pidfd and (optionally) its error pipe, which the reaper
   * takes over, and its sync socket (the reaper reads a copy of it: the
   * caller keeps its own fd, for its writes, and closes it). The listener
   * gets one event per watched pidfd and error pipe, one `notified` per
   * record the child writes on the sync socket and a `sync-closed` at its end.
   */
  watch(pidfd: number, errPipe: number | null, listener: Listener, syncFd: number | null = null): bigint {
    this.ensureStarted();
    const token = this.nextToken++;
    this.listeners.set(token, listener);
    this.pending.set(token, 1 + (errPipe === null ? 0 : 1) + (syncFd === null ? 0 : 1));
    this.add(pidfd, token, WATCH_PIDFD, 'watch a child pidfd');
    if (errPipe !== null) this.add(errPipe, token, WATCH_ERRPIPE, 'watch a child error pipe');
    if (syncFd !== null) {
      this.add(syncFd, token, WATCH_SYNC, 'watch a child sync socket');
      this.syncWatched.add(token);
    }
    this.pump();
    return token;
  }

  /**
   * Drop a watch's listener: its events are ignored from now on, and the
   * reaper's copy of its sync socket is closed (the child sees the socket
   * close once the caller closes its own). The last one gone, the read in
   * flight is woken (an event for no one) and not renewed, so the watcher no
   * longer keeps the process alive.
   */
  forget(token: bigint): void {
    if (this.syncWatched.delete(token)) this.c.gc_reaper_unwatch(token, WATCH_SYNC);
    if (!this.listeners.delete(token)) return;
    this.pending.delete(token);
    if (this.listeners.size === 0 && this.reading) this.c.gc_reaper_wake();
  }

  private add(fd: number, token: bigint, kind: number, label: string): void {
    const r = Number(this.c.gc_reaper_watch(fd, token, kind));
    if (r < 0) throw new SyscallError({ syscall: 'epoll_ctl', errno: -r, label });
  }

  private ensureStarted(): void {
    if (this.fd >= 0) return;
    const fd = Number(this.c.gc_reaper_start());
    if (fd < 0) throw new SyscallError({ syscall: 'pthread_create', errno: -fd, label: 'start the reaper thread' });
    this.fd = fd;
  }

  /** One read in flight while anything is watched; none once nothing is. */
  private pump(): void {
    if (this.reading || this.listeners.size === 0) return;
    this.reading = true;
    read(this.fd, this.buffer, 0, this.buffer.length, null, (err, n) => {
      this.reading = false;
      if (err) {
        if (err.code !== 'EINTR' && err.code !== 'EAGAIN') {
          throw new SyscallError({ syscall: 'read', errno: -(err.errno ?? 0), label: 'read the reaper events' });
        }
      } else {
        this.onData(this.buffer.subarray(0, n));
      }
      this.pump();
    });
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
    if (kind === EVENT_NOTIFIED) {
      listener({ kind: 'notified', op: a >>> 0, value: (BigInt(c) << 32n) | BigInt(b >>> 0) });
      return;
    }
    if (kind === EVENT_SYNC_CLOSED) this.syncWatched.delete(token);
    const left = (this.pending.get(token) ?? 1) - 1;
    if (left <= 0) {
      this.listeners.delete(token);
      this.pending.delete(token);
    } else {
      this.pending.set(token, left);
    }
    if (kind === 0) listener({ kind: 'exited', pid: a, siCode: b, siStatus: c });
    else if (kind === 1) listener({ kind: 'started' });
    else if (kind === EVENT_SYNC_CLOSED) listener({ kind: 'sync-closed' });
    else listener({ kind: 'failed', op: a >>> 0, errno: b });
  }
}
