import { receiveConsole } from '@gc/runtime';
import {
  AF_UNIX,
  AT_FDCWD,
  F_GETFL,
  F_SETFL,
  type Kernel,
  O_CLOEXEC,
  O_NONBLOCK,
  O_RDWR,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  type WindowSize,
} from '@gc/syscall';
import { UsageError } from '../../usage-error.js';
import { type Pump, pump } from './fd-pump.js';
import { enterRawMode, type RawMode } from './raw-mode.js';

/** What the container's standard streams are: `-t` and `-i`, after the defaults. */
export interface StdioMode {
  /** A pty of the container's own, relayed by gocontainer. */
  readonly tty: boolean;
  /** Standard input reaches the container; without, it reads /dev/null. */
  readonly interactive: boolean;
}

/**
 * `-t` and `-i` as given; with neither and a terminal on standard input, both
 * (`gocontainer run /bin/bash` is an interactive shell). `-i -t` needs a
 * terminal to put in raw mode, as with Docker.
 */
export function resolveStdioMode(
  flags: { tty?: boolean | undefined; interactive?: boolean | undefined },
  stdinIsTerminal: boolean,
): StdioMode {
  if (!flags.tty && !flags.interactive) return { tty: stdinIsTerminal, interactive: stdinIsTerminal };
  if (flags.tty && flags.interactive && !stdinIsTerminal) {
    throw new UsageError('--interactive with --tty: standard input is not a terminal (leave out -t to pipe input)');
  }
  return { tty: flags.tty ?? false, interactive: flags.interactive ?? false };
}

/** The container's standard streams, on the host side. */
export interface Stdio {
  /** Fds of ours that become the container's 0, 1 and 2. */
  readonly fds: readonly number[];
  /** With a tty: the console socket's end the container sends its pty master on. */
  readonly consoleSocket: number | undefined;
  /** With a tty: the size of the caller's terminal, if it has one. */
  readonly consoleSize: WindowSize | undefined;
  /**
   * Once the container runs: close the ends it has, receive its pty, put the
   * caller's terminal in raw mode, start relaying. Resolves once the
   * container's output ended and the caller's terminal is as it was.
   * `exited` settles when the container ended; `hangUp` is called when the
   * caller's terminal is gone (hung up): the container would otherwise wait
   * for input no one can type.
   */
  attach(exited: Promise<unknown>, hangUp: () => void): Promise<void>;
  /** Close every fd of ours (when the start failed). */
  close(): void;
}

/**
 * Relay `stdio` until the process exited and its output ended; resolves with
 * its exit. With the caller's terminal gone, nobody can type to or read the
 * process: it is killed, as a hangup would; a failing relay kills it too,
 * and fails once it is gone.
 */
export async function relayUntilExit<T>(
  stdio: Stdio,
  proc: { readonly exited: Promise<T>; kill(signal: NodeJS.Signals): void },
): Promise<T> {
  const attached = stdio
    .attach(proc.exited, () => proc.kill('SIGKILL'))
    .catch(async (e: unknown) => {
      proc.kill('SIGKILL');
      await proc.exited;
      throw e;
    });
  const [exit] = await Promise.all([proc.exited, attached]);
  return exit;
}

/**
 * Set up the container's standard streams. Files and pipes of ours are handed
 * over as they are; a terminal never is (the container could type into the
 * caller's shell with TIOCSTI): with `tty` the container makes its own pty and
 * sends us the master, and without, each of our fds that is a terminal
 * reaches it through a pipe that we relay.
 */
export function openStdio(kernel: Kernel, mode: StdioMode): Stdio {
  const theirs: number[] = []; // fds only the container needs: closed once it started
  let devNull: number | undefined;
  const nullFd = () => {
    devNull ??= kernel.openat(AT_FDCWD, '/dev/null', O_RDWR | O_CLOEXEC);
    if (!theirs.includes(devNull)) theirs.push(devNull);
    return devNull;
  };
  const closeAll = (fds: number[]) => {
    for (const fd of fds.splice(0)) kernel.close(fd);
  };

  if (mode.tty) {
    const [ours, socket] = kernel.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
    theirs.push(socket);
    const terminal = [0, 1].find((fd) => kernel.isatty(fd));
    const raw = mode.interactive && kernel.isatty(0);
    const nul = nullFd();
    return {
      fds: [nul, nul, nul],
      consoleSocket: socket,
      consoleSize: terminal === undefined ? undefined : kernel.getWindowSize(terminal),
      // The master's EIO comes when the last process of the container holding the pty has gone.
      attach: async (_exited, hangUp) => {
        closeAll(theirs);
        let master: number;
        try {
          master = receiveConsole(kernel, ours);
        } finally {
          kernel.close(ours);
        }
        await relayConsole(kernel, master, { input: mode.interactive, raw, sizeFrom: terminal, hangUp });
      },
      close: () => {
        closeAll(theirs);
        kernel.close(ours);
      },
    };
  }

  // A relay (and so a pipe) per stream that is a terminal of ours.
  const relays: { from: number; to: number; input: boolean }[] = [];
  const ours: number[] = [];
  const fds = [0, 1, 2].map((fd) => {
    if (fd === 0 && !mode.interactive) return nullFd();
    if (!kernel.isatty(fd)) return fd;
    const [r, w] = kernel.pipe2(O_CLOEXEC);
    theirs.push(fd === 0 ? r : w);
    ours.push(fd === 0 ? w : r);
    relays.push(fd === 0 ? { from: 0, to: w, input: true } : { from: r, to: fd, input: false });
    return fd === 0 ? r : w;
  });
  return {
    fds,
    consoleSocket: undefined,
    consoleSize: undefined,
    attach: async (exited, hangUp) => {
      closeAll(theirs);
      const input = relays.find((r) => r.input);
      const inputPump = input && pump(input.from, input.to);
      // EOF on our terminal (Ctrl-D) is EOF for the container; an error, a hangup.
      const inputClosed =
        input &&
        inputPump?.done.then((end) => {
          kernel.close(input.to);
          if (end === 'read-error') hangUp();
        });
      const outputs = relays.filter((r) => !r.input).map((r) => pump(r.from, r.to).done);
      for (const output of outputs) void output.then((end) => end === 'write-error' && hangUp());
      await Promise.all([...outputs, exited]);
      if (inputPump) await stopReading(kernel, 0, inputPump);
      await inputClosed;
      closeAll(ours.filter((fd) => fd !== input?.to));
    },
    close: () => {
      closeAll(theirs);
      closeAll(ours);
    },
  };
}

/** Relay a pty master to our stdout, and (with `input`) our stdin to it, until the container's side closed. */
async function relayConsole(
  kernel: Kernel,
  master: number,
  opts: { input: boolean; raw: boolean; sizeFrom: number | undefined; hangUp: () => void },
): Promise<void> {
  const { sizeFrom } = opts;
  const resize = () => {
    try {
      if (sizeFrom !== undefined) kernel.setWindowSize(master, kernel.getWindowSize(sizeFrom));
    } catch {
      // Our terminal or the container's pty is going away: no size to pass on.
    }
  };
  let rawMode: RawMode | undefined;
  let input: Pump | undefined;
  try {
    if (opts.raw) rawMode = enterRawMode(kernel, 0);
    // The size may have changed since the plan took it.
    resize();
    process.on('SIGWINCH', resize);
    const output = pump(master, 1);
    // A hung-up terminal reads 0 bytes at once, like a read timeout, but refuses its settings (EIO).
    const alive = () => {
      try {
        kernel.getTermios(0);
        return true;
      } catch {
        return false;
      }
    };
    if (opts.input) input = pump(0, master, opts.raw ? { zeroIsIdle: alive } : {});
    // Our terminal gone: reading it failed (EIO), or writing to it.
    void input?.done.then((end) => end === 'read-error' && opts.hangUp());
    if ((await output.done) === 'write-error') opts.hangUp();
  } finally {
    process.off('SIGWINCH', resize);
    if (input) await stopReading(kernel, 0, input, rawMode);
    else rawMode?.restore();
    kernel.close(master);
  }
}

/**
 * End a pump reading our terminal `fd` now, not at the next key: a blocked
 * read of a terminal gives up (EAGAIN) once its file is non-blocking and a
 * change of the settings wakes it (restoring them, or setting them again).
 * The file goes back to blocking afterwards: the caller's shell shares it.
 */
async function stopReading(kernel: Kernel, fd: number, reader: Pump, rawMode?: RawMode): Promise<void> {
  reader.stop();
  const flags = kernel.fcntl(fd, F_GETFL);
  kernel.fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  try {
    if (rawMode) rawMode.restore();
    else kernel.setTermios(fd, kernel.getTermios(fd));
  } catch {
    // A terminal hung up: its reads fail already.
  }
  try {
    await reader.done;
  } finally {
    kernel.fcntl(fd, F_SETFL, flags);
  }
}
