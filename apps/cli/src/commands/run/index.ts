import {
  createRunDir,
  gocontainerStatePaths,
  newContainerId,
  type RunDir,
  type RunningContainer,
  startContainer,
  sweepRunDirs,
  writeDockerEtcFiles,
} from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { formatOptions, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { seccompCache } from '../../seccomp-cache.js';
import { UsageError } from '../../usage-error.js';
import { blameOption } from './option-errors.js';
import { buildRunRequest, type RunFlags } from './options.js';
import { RUN_OPTIONS } from './run-options.js';
import { openStdio, resolveStdioMode, type Stdio } from './stdio.js';

/** Signals sent to gocontainer that go on to the container, as `docker run` does. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

const USAGE = `Usage: gocontainer run [OPTIONS] COMMAND [ARG...]

Run a command in a new container. COMMAND is an absolute path inside the container.

Options:
`;

/** `gocontainer run`: returns the exit code. */
export async function runCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  let line: ReturnType<typeof parseCommandLine>;
  try {
    line = parseCommandLine('run', argv, RUN_OPTIONS);
  } catch (e) {
    return reportError(e);
  }
  if (line.flags.help) {
    process.stdout.write(`${USAGE}${formatOptions(RUN_OPTIONS)}\n`);
    return 0;
  }
  const [command, ...args] = line.rest;
  if (command === undefined) {
    return reportError(new UsageError('run: missing COMMAND (gocontainer run [OPTIONS] COMMAND [ARG...])'));
  }
  return run(
    command,
    args,
    {
      ...line.flags,
      network: (line.flags.network as string | undefined) ?? 'none',
    } as RunFlags,
    global,
  );
}

function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

async function run(command: string, args: string[], flags: RunFlags, global: GlobalOptions): Promise<number> {
  const id = newContainerId();
  const runDirs = global.root ? { root: global.root } : {};
  // What gocontainers killed with SIGKILL left behind goes while this one starts.
  const swept = sweepRunDirs(runDirs);
  let container: RunningContainer | undefined;
  const pending: NodeJS.Signals[] = [];
  const forward = (signal: NodeJS.Signals) => {
    if (container) container.kill(signal);
    else pending.push(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  let runDir: RunDir | undefined;
  let stdio: Stdio | undefined;
  try {
    // isatty through the kernel binding: node:tty (process.stdin) loads node:net, ~6 ms of start-up.
    const kernel = createKernel();
    const mode = resolveStdioMode(flags, kernel.isatty(0));
    const request = buildRunRequest(command, args, flags, id, mode.tty);
    // Every container has one: its owner record names the cgroup for a sweep.
    runDir = createRunDir(id, { ...runDirs, overlay: request.hostRootOverlay });
    // Docker's /etc/hosts, /etc/hostname and /etc/resolv.conf, bound in from the run directory.
    request.spec.mounts = [...(request.spec.mounts ?? []), ...writeDockerEtcFiles(runDir.path, request.etcFiles)];
    stdio = openStdio(kernel, mode);
    if (stdio.consoleSize) {
      request.spec.process.consoleSize = { height: stdio.consoleSize.rows, width: stdio.consoleSize.columns };
    }
    container = await startContainer(request.spec, {
      kernel,
      runDir,
      seccompCache: seccompCache(),
      init: request.init,
      containerId: id,
      stdio: stdio.fds,
      ...(stdio.consoleSocket === undefined ? {} : { consoleSocket: stdio.consoleSocket }),
      ...(request.cgroupParent ? { cgroupParent: request.cgroupParent } : {}),
      ...(runDir.overlay
        ? {
            overlay: {
              lower: ['/'],
              upper: runDir.overlay.upper,
              work: runDir.overlay.work,
              hidden: gocontainerStatePaths(global.root ? [global.root] : []),
            },
          }
        : {}),
    });
    for (const s of pending.splice(0)) container.kill(s);
    const running = container;
    // With our terminal gone, nobody can type to or read the container: end it, as a hangup would.
    const attached = stdio
      .attach(running.exited, () => running.kill('SIGKILL'))
      .catch(async (e: unknown) => {
        running.kill('SIGKILL');
        await running.exited;
        throw e;
      });
    stdio = undefined;
    const [exit] = await Promise.all([container.exited, attached]);
    if (exit.oomKilled) {
      const limit = exit.memoryLimit === undefined ? '' : ` (memory limit ${formatSize(exit.memoryLimit)})`;
      process.stderr.write(`gocontainer: container was OOM killed${limit}\n`);
    }
    return exit.exitCode;
  } catch (e) {
    return reportError(blameOption(e, flags));
  } finally {
    stdio?.close();
    for (const s of FORWARDED) process.off(s, forward);
    // What cannot go now, the next run's sweep removes: never an exit code lost to it.
    await runDir?.remove().catch(() => undefined);
    await swept;
  }
}
