import { read, write } from 'node:fs';

/**
 * Why a pump ended: its source ended (EOF), reading it failed (EIO: a pty
 * master whose slave closed, or a terminal hung up), writing failed, or `stop()`.
 */
export type PumpEnd = 'eof' | 'read-error' | 'write-error' | 'stopped';

/** A copy from one fd to another, running until the source ends or `stop()`. */
export interface Pump {
  readonly done: Promise<PumpEnd>;
  /** Start no more reads; one in flight still completes (see `interruptTerminalRead`). */
  stop(): void;
}

export interface PumpOptions {
  /**
   * A read of 0 bytes is no end (a raw terminal's read timeout) while this
   * says the source is still there: a terminal that hung up reads 0 too.
   */
  readonly zeroIsIdle?: () => boolean;
}

/**
 * Copy `from` to `to`, one read then its write at a time. The reads and
 * writes are blocking calls in libuv's thread pool: the event loop never waits
 * on either, and neither node:net nor node:tty is loaded (~6 ms of start-up).
 */
export function pump(from: number, to: number, opts: PumpOptions = {}): Pump {
  const buffer = Buffer.alloc(64 * 1024);
  let stopped = false;
  const done = new Promise<PumpEnd>((resolve) => {
    const next = (): void => {
      if (stopped) {
        resolve('stopped');
        return;
      }
      read(from, buffer, 0, buffer.length, null, (err, n) => {
        // EAGAIN: a source someone made non-blocking; stop() makes ours so to end a read.
        if (err?.code === 'EAGAIN') setTimeout(next, stopped ? 0 : 10);
        else if (err) resolve('read-error');
        else if (n === 0 && !opts.zeroIsIdle) resolve('eof');
        else if (n === 0) opts.zeroIsIdle?.() ? next() : resolve('read-error');
        else writeAll(to, buffer, 0, n, (ok) => (ok ? next() : resolve('write-error')));
      });
    };
    next();
  });
  return {
    done,
    stop: () => {
      stopped = true;
    },
  };
}

function writeAll(fd: number, buffer: Buffer, offset: number, length: number, then: (ok: boolean) => void): void {
  write(fd, buffer, offset, length, null, (err, n) => {
    if (err) return then(false);
    if (n < length) return writeAll(fd, buffer, offset + n, length - n, then);
    then(true);
  });
}
