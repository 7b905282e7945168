import { writeSync } from 'node:fs';
import { createContainerStore, DEFAULT_DETACH_KEYS, type ExecTarget, parseDetachKeys, prepareExec } from '@gc/engine';
import { type ExecProcess, execProcess, receiveConsole } from '@gc/runtime';
import {
  AF_UNIX,
  AT_FDCWD,
  createKernel,
  GcError,
  type Kernel,
  O_CLOEXEC,
  O_RDWR,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  shellExitCode,
} from '@gc/syscall';
import { formatOptions, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { seccompCache } from '../../seccomp-cache.js';
import { UsageError } from '../../usage-error.js';
import { relayTerminal } from '../attach/terminal-relay.js';
import { openStdio, relayUntilExit, type Stdio } from '../run/stdio.js';
import { DOCKER_EXEC_OPTIONS, type DockerExecFlags } from './options.js';
import { holdPtyMaster } from './pty-holder.js';

/** Signals sent to gocontainer that go on to the exec'd process. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

const USAGE = `Usage: gocontainer exec [OPTIONS] CONTAINER COMMAND [ARG...]

Execute a command in a running container (Docker's exec; runc's form,
exec [--process FILE] ID, is used for the containers of an OCI engine).
The command gets the container's environment, user and working directory
unless options say otherwise; gocontainer exits with its exit code.

Options:
`;

/** `gocontainer exec` on an engine container (Docker's): the process's exit code; 126/127 when it cannot run. */
export async function dockerExecCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  let flags: DockerExecFlags;
  let ref: string | undefined;
  let args: string[];
  try {
    const line = parseCommandLine('exec', argv, DOCKER_EXEC_OPTIONS);
    flags = line.flags as unknown as DockerExecFlags;
    [ref, ...args] = line.rest;
  } catch (e) {
    return reportError(e);
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}${formatOptions(DOCKER_EXEC_OPTIONS)}\n`);
    return 0;
  }
  try {
    if (ref === undefined || args.length === 0) {
      throw new UsageError(
        'exec: requires at least 2 arguments (gocontainer exec [OPTIONS] CONTAINER COMMAND [ARG...])',
      );
    }
    const detachKeys = parseDetachKeys(flags.detachKeys ?? DEFAULT_DETACH_KEYS);
    const kernel = createKernel();
    if (flags.interactive && flags.tty && !flags.detach && !kernel.isatty(0)) {
      throw new UsageError('exec: the input device is not a TTY (leave out -t to pipe input)', 1);
    }
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot, kernel } : { kernel });
    const target = prepareExec(store, kernel, ref, {
      args,
      env: flags.env,
      tty: flags.tty ?? false,
      callerEnv: process.env,
      ...(flags.user === undefined ? {} : { user: flags.user }),
      ...(flags.workdir === undefined ? {} : { workdir: flags.workdir }),
    });
    if (flags.detach) return await detached(kernel, target);
    if (flags.tty) return await withTerminal(kernel, target, flags.interactive ?? false, detachKeys);
    return await withStreams(kernel, target, flags.interactive ?? false);
  } catch (e) {
    return execFailed(e);
  }
}

/**
 * Docker's codes: 127 for a command not found, 126 for one that cannot be
 * run and for any other failure of the exec's setup (Docker's "OCI runtime
 * exec failed"), 125 for our usage errors, else 1 (no such container, not running).
 */
function execFailed(e: unknown): number {
  if (GcError.isInstance(e) && typeof (e as { exitCode?: unknown }).exitCode === 'number') {
    const code = reportError(e);
    return code === 125 && e.code !== 'EUSAGE' ? 126 : code;
  }
  if (GcError.isInstance(e) && e.code === 'EUSAGE') return reportError(new UsageError(e.message));
  reportError(e);
  return 1;
}

/** `-d`: it runs, nobody waits for it here; with `-t` its pty is held open for it. */
async function detached(kernel: Kernel, target: ExecTarget): Promise<number> {
  const devNull = kernel.openat(AT_FDCWD, '/dev/null', O_RDWR | O_CLOEXEC);
  try {
    if (!target.process.terminal) {
      await execProcess(target.ctx, target.id, target.process, {
        detach: true,
        seccompCache: seccompCache(),
        stdio: [devNull, devNull, devNull],
      });
      return 0;
    }
    const [ours, theirs] = kernel.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
    try {
      await execProcess(target.ctx, target.id, target.process, {
        detach: true,
        seccompCache: seccompCache(),
        stdio: [devNull, devNull, devNull],
        consoleSocket: theirs,
      });
      kernel.close(theirs);
      const master = receiveConsole(kernel, ours);
      holdPtyMaster(master);
      kernel.close(master);
    } finally {
      kernel.close(ours);
    }
    return 0;
  } finally {
    kernel.close(devNull);
  }
}

/** Forward the signals gocontainer gets to the process, once it runs. */
function forwardSignals(): { to(exec: Pick<ExecProcess, 'kill'>): void; off(): void } {
  let running: Pick<ExecProcess, 'kill'> | undefined;
  const pending: NodeJS.Signals[] = [];
  const forward = (signal: NodeJS.Signals) => {
    if (running) running.kill(signal);
    else pending.push(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  return {
    to(exec) {
      running = exec;
      for (const s of pending.splice(0)) exec.kill(s);
    },
    off: () => {
      for (const s of FORWARDED) process.off(s, forward);
    },
  };
}

/** Without `-t`: our streams (a terminal of ours relayed through a pipe, never handed over). */
async function withStreams(kernel: Kernel, target: ExecTarget, interactive: boolean): Promise<number> {
  const signals = forwardSignals();
  let stdio: Stdio | undefined = openStdio(kernel, { tty: false, interactive });
  try {
    const exec = await execProcess(target.ctx, target.id, target.process, {
      seccompCache: seccompCache(),
      stdio: stdio.fds,
    });
    signals.to(exec);
    const relayed = relayUntilExit(stdio, exec);
    stdio = undefined;
    return (await relayed).exitCode;
  } finally {
    stdio?.close();
    signals.off();
  }
}

/**
 * `-t`: the process gets a pty of the container's own, relayed here with
 * our terminal in raw mode; the detach keys leave it running (its pty held
 * by holdPtyMaster) and gocontainer exits 0, as `docker exec -it` does.
 */
async function withTerminal(
  kernel: Kernel,
  target: ExecTarget,
  interactive: boolean,
  detachKeys: Uint8Array,
): Promise<number> {
  const signals = forwardSignals();
  const open = new Set<number>();
  const opened = (fd: number) => {
    open.add(fd);
    return fd;
  };
  const close = (fd: number) => {
    if (open.delete(fd)) kernel.close(fd);
  };
  try {
    const devNull = opened(kernel.openat(AT_FDCWD, '/dev/null', O_RDWR | O_CLOEXEC));
    const [ours, theirs] = kernel.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC).map(opened) as [number, number];
    const sizeFrom = [0, 1].find((fd) => kernel.isatty(fd));
    if (sizeFrom !== undefined) {
      const size = kernel.getWindowSize(sizeFrom);
      target.process.consoleSize = { height: size.rows, width: size.columns };
    }
    // Not watched by the runtime: watched here, so that the detach keys can stop watching it.
    const { pid } = await execProcess(target.ctx, target.id, target.process, {
      detach: true,
      seccompCache: seccompCache(),
      stdio: [devNull, devNull, devNull],
      consoleSocket: theirs,
    });
    const exec = kernel.attach(pid);
    signals.to(exec);
    close(theirs);
    close(devNull);
    let master: number;
    try {
      master = receiveConsole(kernel, ours);
    } catch (e) {
      exec.kill('SIGKILL');
      throw e;
    } finally {
      close(ours);
    }
    const end = await relayTerminal(kernel, master, {
      input: interactive,
      raw: interactive && kernel.isatty(0),
      sizeFrom,
      detachKeys,
      hangUp: () => exec.kill('SIGKILL'),
      onDetach: (m) => holdPtyMaster(m),
    });
    if (end === 'detached') {
      // It runs on, reaped by whoever inherits it once gocontainer is gone.
      exec.forget();
      writeSync(2, 'read escape sequence\n');
      return 0;
    }
    return shellExitCode(await exec.exited);
  } finally {
    for (const fd of open) close(fd);
    signals.off();
  }
}
