import { writeSync } from 'node:fs';
import { F_GETFL, F_SETFL, type Kernel, O_NONBLOCK } from '@gc/syscall';
import { enterRawMode, type RawMode } from '../run/raw-mode.js';
import { type InputRelay, relayInput } from './input-relay.js';
import { copyPtyOutput, type PtyOutput } from './pty-output.js';

export interface TerminalRelayOptions {
  /** Our stdin goes to the pty (`-i`). */
  readonly input: boolean;
  /** Put our terminal (stdin) in raw mode while relaying. */
  readonly raw: boolean;
  /** Our terminal whose size the pty follows (SIGWINCH). */
  readonly sizeFrom: number | undefined;
  readonly detachKeys: Uint8Array | undefined;
  /** Our terminal is gone: nobody can type to or read the process. */
  readonly hangUp: () => void;
  /** The detach keys were typed: the master is still open, for whoever keeps the process's pty. */
  readonly onDetach: (master: number) => void;
}

/**
 * Relay a pty master to our stdout and (with `input`) our stdin to it, with
 * our terminal in raw mode (restored on every way out) and the window size
 * passed on at once and on SIGWINCH, until the pty's last user closed it
 * (`ended`) or the detach keys were typed (`detached`). The master is
 * closed either way.
 */
export async function relayTerminal(
  kernel: Kernel,
  master: number,
  opts: TerminalRelayOptions,
): Promise<'ended' | 'detached'> {
  const { sizeFrom } = opts;
  const resize = () => {
    try {
      if (sizeFrom !== undefined) kernel.setWindowSize(master, kernel.getWindowSize(sizeFrom));
    } catch {
      // Our terminal or the pty is going away: no size to pass on.
    }
  };
  let rawMode: RawMode | undefined;
  let input: InputRelay | undefined;
  let output: PtyOutput | undefined;
  try {
    if (opts.raw) rawMode = enterRawMode(kernel, 0);
    resize();
    process.on('SIGWINCH', resize);
    output = copyPtyOutput(kernel, master, 1);
    const alive = () => {
      try {
        kernel.getTermios(0);
        return true;
      } catch {
        return false;
      }
    };
    if (opts.input) {
      const send = (chunk: Uint8Array) => {
        try {
          let off = 0;
          while (off < chunk.length) {
            try {
              off += writeSync(master, chunk, off, chunk.length - off);
            } catch (e) {
              // The master is non-blocking while its output is read (copyPtyOutput): a full pty waits a moment.
              if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
              Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
            }
          }
          return true;
        } catch {
          return false;
        }
      };
      input = relayInput(0, send, {
        detachKeys: opts.detachKeys,
        ...(opts.raw ? { zeroIsIdle: alive } : {}),
      });
    }
    const detached = input?.done.then((end) => {
      if (end === 'error') opts.hangUp();
      return end === 'detached';
    });
    const first = await Promise.race([
      output.done.then((end) => {
        if (end === 'write-error') opts.hangUp();
        return 'ended' as const;
      }),
      ...(detached ? [detached.then((d) => (d ? ('detached' as const) : new Promise<never>(() => undefined)))] : []),
    ]);
    output.stop();
    if (first === 'detached') opts.onDetach(master);
    return first;
  } finally {
    output?.stop();
    process.off('SIGWINCH', resize);
    if (input) await stopReading(kernel, input, rawMode);
    else rawMode?.restore();
    kernel.close(master);
  }
}

/** End the relay reading our terminal now: a read waiting on it gives up once the file is non-blocking and its settings change. */
export async function stopReading(kernel: Kernel, reader: InputRelay, rawMode: RawMode | undefined): Promise<void> {
  reader.stop();
  let flags: number | undefined;
  try {
    flags = kernel.fcntl(0, F_GETFL);
    kernel.fcntl(0, F_SETFL, flags | O_NONBLOCK);
    if (rawMode) rawMode.restore();
    else if (kernel.isatty(0)) kernel.setTermios(0, kernel.getTermios(0));
  } catch {
    // A terminal that hung up: its reads fail already.
    rawMode?.restore();
  }
  try {
    if (kernel.isatty(0)) await reader.done;
  } finally {
    if (flags !== undefined) kernel.fcntl(0, F_SETFL, flags);
  }
}
