import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type ExecProcess,
  execProcess,
  GcError,
  type Process,
  type RuntimeContext,
  validateProcess,
} from '@gc/runtime';
import { formatOptions, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { preservedFds } from '../../preserved-fds.js';
import { reportError } from '../../report-error.js';
import { runtimeContext } from '../../runtime-context.js';
import { seccompCache } from '../../seccomp-cache.js';
import { UsageError } from '../../usage-error.js';
import { openStdio, relayUntilExit, type Stdio } from '../run/stdio.js';
import { buildExecProcess, EXEC_OPTIONS, type ExecFlags, parsePreserveFds } from './options.js';

/**
 * runc's exit code for an exec that failed (its `exec failed: ...`), told
 * apart from the process's own codes better than 1 would be.
 */
const EXEC_FAILED = 255;

/** Signals sent to gocontainer that go on to the exec'd process (runc forwards them). */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

const USAGE = `Usage: gocontainer exec [OPTIONS] ID COMMAND [ARG...]
       gocontainer exec [OPTIONS] --process FILE ID

Execute a new process inside the container ID. Without --detach it runs with
gocontainer's standard streams and gocontainer exits with its exit code;
with --detach gocontainer exits once it runs, and it is left to the caller
(a subreaper such as containerd's shim reaps it).

Options:
`;

/** `gocontainer exec`: the process's exit code, or 255 if it could not be run (runc's code); 1 for a usage error. */
export async function execCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  let line: ReturnType<typeof parseCommandLine>;
  try {
    line = parseCommandLine('exec', argv, EXEC_OPTIONS);
  } catch (e) {
    reportError(e);
    return 1;
  }
  if (line.flags.help) {
    process.stdout.write(`${USAGE}${formatOptions(EXEC_OPTIONS)}\n`);
    return 0;
  }
  const flags = line.flags as unknown as ExecFlags;
  const [id, ...args] = line.rest;
  let preserveFds: number;
  try {
    if (id === undefined)
      throw new UsageError('exec: missing the container ID (gocontainer exec [OPTIONS] ID COMMAND [ARG...])', 1);
    preserveFds = parsePreserveFds(flags.preserveFds);
    if (flags.pidFile === '') throw new UsageError('exec: --pid-file: expected a file path, got ""', 1);
    if (flags.consoleSocket === '') throw new UsageError('exec: --console-socket: expected a socket path, got ""', 1);
  } catch (e) {
    reportError(e);
    return 1;
  }
  try {
    return await exec(id, args, flags, preserveFds, global);
  } catch (e) {
    if (GcError.isInstance(e) && e.code === 'EUSAGE') {
      reportError(e);
      return 1;
    }
    reportError(GcError.isInstance(e) ? new GcError(e.code, `exec failed: ${e.message}`, { cause: e }) : e);
    return EXEC_FAILED;
  }
}

async function exec(
  id: string,
  args: string[],
  flags: ExecFlags,
  preserveFds: number,
  global: GlobalOptions,
): Promise<number> {
  const ctx = runtimeContext(global);
  const { kernel } = ctx;
  const { record } = ctx.store.load(id);
  const proc = flags.process === undefined ? fromFlags(record.config?.process, args, flags) : fromFile(flags.process);
  const detach = flags.detach ?? false;
  // runc's checks, in its words.
  if (detach && proc.terminal && flags.consoleSocket === undefined) {
    throw new UsageError('exec: cannot allocate tty if gocontainer will detach without setting --console-socket', 1);
  }
  if ((!detach || !proc.terminal) && flags.consoleSocket !== undefined) {
    throw new UsageError('exec: cannot use --console-socket if gocontainer will not detach or allocate tty', 1);
  }
  const extra = preservedFds(kernel, preserveFds, 'exec');
  // The pid file's path as given, from where gocontainer was started (runc's revisePidFile).
  const pidFile = flags.pidFile === undefined ? undefined : resolve(flags.pidFile);

  if (detach) {
    const socket = flags.consoleSocket === undefined ? undefined : kernel.connectUnix(flags.consoleSocket);
    try {
      // The caller's streams, as they are: an engine hands over pipes or fifos.
      await execProcess(ctx, id, proc, {
        detach: true,
        seccompCache: seccompCache(),
        stdio: [0, 1, 2, ...extra],
        ...(socket === undefined ? {} : { consoleSocket: socket }),
        ...(pidFile === undefined ? {} : { pidFile }),
      });
    } finally {
      if (socket !== undefined) kernel.close(socket);
    }
    return 0;
  }
  return foreground(ctx, id, proc, extra, pidFile);
}

/** Run it with our streams (a terminal of ours is relayed, never handed over), forward signals, wait. */
async function foreground(
  ctx: RuntimeContext,
  id: string,
  proc: Process,
  extra: number[],
  pidFile: string | undefined,
): Promise<number> {
  const { kernel } = ctx;
  let running: ExecProcess | undefined;
  const pending: NodeJS.Signals[] = [];
  const forward = (signal: NodeJS.Signals) => {
    if (running) running.kill(signal);
    else pending.push(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  let stdio: Stdio | undefined = openStdio(kernel, { tty: proc.terminal ?? false, interactive: true });
  try {
    if (stdio.consoleSize && proc.terminal && proc.consoleSize === undefined) {
      proc.consoleSize = { height: stdio.consoleSize.rows, width: stdio.consoleSize.columns };
    }
    running = await execProcess(ctx, id, proc, {
      seccompCache: seccompCache(),
      stdio: [...stdio.fds, ...extra],
      ...(stdio.consoleSocket === undefined ? {} : { consoleSocket: stdio.consoleSocket }),
      ...(pidFile === undefined ? {} : { pidFile }),
    });
    for (const s of pending.splice(0)) running.kill(s);
    const relayed = relayUntilExit(stdio, running);
    stdio = undefined;
    return (await relayed).exitCode;
  } finally {
    stdio?.close();
    for (const s of FORWARDED) process.off(s, forward);
  }
}

function fromFlags(base: Process | undefined, args: string[], flags: ExecFlags): Process {
  if (base === undefined) {
    throw new GcError('ENOCONFIG', 'the container has no recorded config.json process to start from (use --process)');
  }
  return buildExecProcess(base, args, flags);
}

/** `--process FILE`: the process JSON, checked field by field (runc ignores the command-line process flags then). */
function fromFile(file: string): Process {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`exec: --process ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`exec: --process ${file}: not JSON (${(e as Error).message})`, 1);
  }
  try {
    return validateProcess(json);
  } catch (e) {
    if (GcError.isInstance(e)) throw new UsageError(`exec: --process ${file}: ${e.message}`, 1);
    throw e;
  }
}
