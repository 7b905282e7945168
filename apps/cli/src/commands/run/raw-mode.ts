import { type Kernel, makeRaw } from '@gc/syscall';

/** A terminal put in raw mode; `restore()` puts its settings back (once, however often called). */
export interface RawMode {
  restore(): void;
}

/** Where the last-chance restore hangs: `process` (its 'exit' runs on every exit that runs JavaScript). */
export interface ExitHooks {
  once(event: 'exit', listener: () => void): unknown;
  off(event: 'exit', listener: () => void): unknown;
}

/**
 * Put the terminal on `fd` in raw mode: keys go to the container's pty as
 * they are typed, Ctrl-C included, for its line discipline to handle. A read
 * returns after a tenth of a second without input, so that the reader can
 * stop when the container ends. The settings are restored by `restore()`, or
 * at the latest when the process exits (an exception, `process.exit`).
 */
export function enterRawMode(kernel: Kernel, fd: number, hooks: ExitHooks = process): RawMode {
  const saved = kernel.getTermios(fd);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    hooks.off('exit', restore);
    try {
      kernel.setTermios(fd, saved);
    } catch {
      // The terminal is gone (hung up): there is nothing left to restore.
    }
  };
  hooks.once('exit', restore);
  try {
    kernel.setTermios(fd, makeRaw(saved, { readTimeoutTenths: 1 }));
  } catch (e) {
    restore();
    throw e;
  }
  return { restore };
}
