import { read, writeSync } from 'node:fs';
import {
  createFrameDecoder,
  encodeFrame,
  exitCodeOf,
  FRAME_EXIT,
  FRAME_STDERR,
  FRAME_STDIN,
  FRAME_STDIN_CLOSED,
  FRAME_STDOUT,
  resizeFrame,
} from '@gc/engine';
import type { Kernel } from '@gc/syscall';
import { type InputRelay, relayInput } from './input-relay.js';

/** How an attach ended: the container exited (with its code), the detach keys, or the monitor closed the socket. */
export type AttachEnd = { kind: 'exited'; exitCode: number } | { kind: 'detached' } | { kind: 'closed' };

export interface AttachSessionOptions {
  /** Our input (`-1`: none, `--no-stdin`), and where the container's output goes. */
  readonly stdin: number;
  readonly stdout: number;
  readonly stderr: number;
  readonly detachKeys: Uint8Array | undefined;
  /** A terminal whose size is sent at once and on every `resizeSignal` (with a tty). */
  readonly sizeFrom: number | undefined;
  /** Reads of 0 bytes from stdin are a raw terminal's timeout while this holds. */
  readonly zeroIsIdle?: () => boolean;
  /** Where SIGWINCH comes from (default `process`). */
  readonly signals?: Pick<NodeJS.Process, 'on' | 'off'>;
}

/**
 * The client side of a container's attach socket (ENGINE.md "Attach
 * protocol"), on the connected socket `socket`: stdin goes out as frames
 * (less the detach keys; its end as a stdin-closed frame), stdout and
 * stderr frames are written to their fds, the window size is sent on
 * attach and on SIGWINCH. Resolves at the exit frame, the detach keys, or
 * the socket's end. Does not close `socket`.
 */
export function attachSession(
  kernel: Kernel,
  socket: number,
  opts: AttachSessionOptions,
): Promise<AttachEnd> & { input: InputRelay | undefined } {
  const signals = opts.signals ?? process;
  const send = (frame: Uint8Array) => {
    try {
      let off = 0;
      while (off < frame.length) off += writeSync(socket, frame, off, frame.length - off);
      return true;
    } catch {
      return false;
    }
  };
  const resize = () => {
    if (opts.sizeFrom === undefined) return;
    try {
      const size = kernel.getWindowSize(opts.sizeFrom);
      send(resizeFrame(size.rows, size.columns));
    } catch {
      // Our terminal is going away.
    }
  };
  resize();
  signals.on('SIGWINCH', resize);

  const output = new Promise<AttachEnd>((resolve, reject) => {
    const decoder = createFrameDecoder();
    const buffer = Buffer.alloc(64 * 1024);
    const next = () => {
      read(socket, buffer, 0, buffer.length, null, (err, n) => {
        if (err?.code === 'EAGAIN') return void setTimeout(next, 10);
        if (err || n === 0) return resolve({ kind: 'closed' });
        try {
          for (const frame of decoder.push(buffer.subarray(0, n))) {
            if (frame.kind === FRAME_STDOUT) writeSync(opts.stdout, frame.payload);
            else if (frame.kind === FRAME_STDERR) writeSync(opts.stderr, frame.payload);
            else if (frame.kind === FRAME_EXIT) return resolve({ kind: 'exited', exitCode: exitCodeOf(frame) });
          }
        } catch (e) {
          return reject(e);
        }
        next();
      });
    };
    next();
  });

  const input =
    opts.stdin < 0
      ? undefined
      : relayInput(opts.stdin, (chunk) => send(encodeFrame(FRAME_STDIN, chunk)), {
          detachKeys: opts.detachKeys,
          ...(opts.zeroIsIdle ? { zeroIsIdle: opts.zeroIsIdle } : {}),
        });
  const detached = input?.done.then((end): Promise<AttachEnd> => {
    if (end === 'detached') return Promise.resolve({ kind: 'detached' });
    // EOF (or a terminal gone): the container's stdin is closed; its output still comes.
    if (end === 'eof' || end === 'error') send(encodeFrame(FRAME_STDIN_CLOSED));
    return new Promise<never>(() => undefined);
  });
  const ended = Promise.race([output, ...(detached ? [detached] : [])]).finally(() => {
    signals.off('SIGWINCH', resize);
    input?.stop();
  });
  return Object.assign(ended, { input });
}
