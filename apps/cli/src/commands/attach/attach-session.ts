import { fstatSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import {
  createDetachMatcher,
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
  /** A terminal whose size is sent at once and on every SIGWINCH (with a tty). */
  readonly sizeFrom: number | undefined;
  /** Reads of 0 bytes from a terminal stdin are its raw-mode timeout while this holds. */
  readonly zeroIsIdle?: () => boolean;
  /** Where SIGWINCH comes from (default `process`). */
  readonly signals?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

/** An attach in progress. */
export interface AttachSession {
  readonly ended: Promise<AttachEnd>;
  /** The relay reading a terminal or file stdin (a pipe's is read through the event loop), for the caller to stop. */
  readonly terminalInput: InputRelay | undefined;
}

/** Is `fd` a pipe or a socket: read through the event loop, since a blocked read in the thread pool could not be ended. */
function isStream(fd: number): boolean {
  const st = fstatSync(fd);
  return st.isFIFO() || st.isSocket();
}

/**
 * The client side of a container's attach socket (ENGINE.md "Attach
 * protocol"), on the connected socket fd `socket` (the session owns and
 * closes it): stdin goes out as frames less the detach keys (its end as a
 * stdin-closed frame), stdout and stderr frames are written to their fds,
 * the window size is sent on attach and on SIGWINCH. Ends at the exit
 * frame, the detach keys, or the socket's end. The socket is read through
 * the event loop, so that nothing of it outlives the end.
 */
export function attachSession(kernel: Kernel, socket: number, opts: AttachSessionOptions): AttachSession {
  const signals = opts.signals ?? process;
  const conn = new Socket({ fd: socket, readable: true, writable: true });
  const send = (frame: Uint8Array) => {
    if (conn.destroyed) return false;
    conn.write(frame);
    return true;
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
    conn.on('data', (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          if (frame.kind === FRAME_STDOUT) writeSync(opts.stdout, frame.payload);
          else if (frame.kind === FRAME_STDERR) writeSync(opts.stderr, frame.payload);
          else if (frame.kind === FRAME_EXIT) {
            resolve({ kind: 'exited', exitCode: exitCodeOf(frame) });
            return;
          }
        }
      } catch (e) {
        reject(e);
      }
    });
    conn.on('end', () => resolve({ kind: 'closed' }));
    conn.on('close', () => resolve({ kind: 'closed' }));
    conn.on('error', () => resolve({ kind: 'closed' }));
  });

  const input = readInput(opts, (chunk) => send(encodeFrame(FRAME_STDIN, chunk)));
  const detached = input?.done.then((end): Promise<AttachEnd> => {
    if (end === 'detached') return Promise.resolve({ kind: 'detached' });
    // EOF (or a terminal gone): the container's stdin is closed; its output still comes.
    if (end === 'eof' || end === 'error') send(encodeFrame(FRAME_STDIN_CLOSED));
    return new Promise<never>(() => undefined);
  });
  const ended = Promise.race([output, ...(detached ? [detached] : [])]).finally(() => {
    signals.off('SIGWINCH', resize);
    input?.stop();
    conn.destroy();
  });
  return { ended, terminalInput: input?.relay };
}

/** stdin, less the detach keys, handed to `send`: a pipe's through the event loop, a terminal's or a file's by relayInput. */
function readInput(
  opts: AttachSessionOptions,
  send: (chunk: Uint8Array) => boolean,
):
  | { done: Promise<'eof' | 'detached' | 'error' | 'stopped'>; stop(): void; relay: InputRelay | undefined }
  | undefined {
  if (opts.stdin < 0) return undefined;
  if (!isStream(opts.stdin)) {
    const relay = relayInput(opts.stdin, send, {
      detachKeys: opts.detachKeys,
      ...(opts.zeroIsIdle ? { zeroIsIdle: opts.zeroIsIdle } : {}),
    });
    return { done: relay.done, stop: relay.stop, relay };
  }
  const stream = new Socket({ fd: opts.stdin, readable: true, writable: false });
  const matcher = opts.detachKeys?.length ? createDetachMatcher(opts.detachKeys) : undefined;
  const done = new Promise<'eof' | 'detached' | 'error' | 'stopped'>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      const scan = matcher ? matcher.scan(chunk) : { forward: chunk, detached: false };
      if (scan.forward.length > 0 && !send(scan.forward)) resolve('error');
      else if (scan.detached) resolve('detached');
    });
    stream.on('end', () => resolve('eof'));
    stream.on('error', () => resolve('error'));
    stream.on('close', () => resolve('stopped'));
  });
  return { done, stop: () => stream.destroy(), relay: undefined };
}
