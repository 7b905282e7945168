import { read } from 'node:fs';
import { createDetachMatcher } from '@gc/engine';

/** Why an input relay ended: EOF, the detach keys, a failed read or send (hung up), or `stop()`. */
export type InputEnd = 'eof' | 'detached' | 'error' | 'stopped';

export interface InputRelay {
  readonly done: Promise<InputEnd>;
  /** Start no more reads (one in flight still completes: a raw terminal's read returns within its timeout). */
  stop(): void;
}

export interface InputRelayOptions {
  /** The detach keys (parseDetachKeys); none: every byte goes on. */
  readonly detachKeys?: Uint8Array | undefined;
  /** A read of 0 bytes is no end while this says the source is there (a raw terminal's read timeout). */
  readonly zeroIsIdle?: () => boolean;
}

/**
 * Read `from` and hand what is read to `send`, less the detach keys: what
 * was typed before them goes on, they do not, and the relay ends with
 * `detached`. The reads are blocking calls in libuv's thread pool, as the
 * run command's pumps.
 */
export function relayInput(
  from: number,
  send: (chunk: Uint8Array) => boolean,
  options: InputRelayOptions = {},
): InputRelay {
  const matcher =
    options.detachKeys && options.detachKeys.length > 0 ? createDetachMatcher(options.detachKeys) : undefined;
  const buffer = Buffer.alloc(64 * 1024);
  let stopped = false;
  const done = new Promise<InputEnd>((resolve) => {
    const next = (): void => {
      if (stopped) {
        resolve('stopped');
        return;
      }
      read(from, buffer, 0, buffer.length, null, (err, n) => {
        if (err?.code === 'EAGAIN') setTimeout(next, stopped ? 0 : 10);
        else if (err) resolve('error');
        else if (n === 0) {
          if (options.zeroIsIdle?.()) next();
          else resolve(options.zeroIsIdle ? 'error' : 'eof');
        } else {
          const chunk = buffer.subarray(0, n);
          const scan = matcher ? matcher.scan(chunk) : { forward: chunk, detached: false };
          if (scan.forward.length > 0 && !send(scan.forward)) resolve('error');
          else if (scan.detached) resolve('detached');
          else next();
        }
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
