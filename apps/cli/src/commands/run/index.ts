import { constants } from 'node:os';
import { blameRunFlag, buildRunSpec, pullPolicy, type RunSpec, writeDockerEtcFiles } from '@gc/engine/spec';
import {
  createRunDir,
  gocontainerStatePaths,
  newContainerId,
  type RunDir,
  type RunningContainer,
  startContainer,
  sweepRunDirs,
} from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { formatOptions, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { seccompCache } from '../../seccomp-cache.js';
import { UsageError } from '../../usage-error.js';
import { releaseSweptHold } from './image-hold.js';
import { keptRun } from './kept-run.js';
import type { HeldImage } from './run-image.js';
import { RUN_OPTIONS, type RunFlags } from './run-options.js';
import { openStdio, relayUntilExit, resolveStdioMode, type Stdio } from './stdio.js';

/** Signals sent to gocontainer that go on to the container, as `docker run` does. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

const USAGE = `Usage: gocontainer run [OPTIONS] IMAGE [COMMAND] [ARG...]
       gocontainer run [OPTIONS] /COMMAND [ARG...]

Run a command in a new container: on an image (a name such as busybox or
localhost:5000/app:1, or an image ID), with the image's Entrypoint, Cmd, Env,
WorkingDir and User unless options say otherwise; or, when the first argument
is an absolute path, on a throwaway overlay of the host's root (or --rootfs DIR).
Options come before IMAGE: everything after it is the container's command.

Options:
`;

/** What the container runs on: an image, or (a command path first) the host's root or `--rootfs`. */
type RunTarget = { image: string; command: string[] } | { image?: undefined; command: string; args: string[] };

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
  const [first, ...args] = line.rest;
  const rootfs = line.flags.rootfs !== undefined;
  if (first === undefined) {
    return reportError(
      new UsageError(
        rootfs
          ? 'run: missing COMMAND (gocontainer run --rootfs DIR [OPTIONS] COMMAND [ARG...])'
          : 'run: missing IMAGE (gocontainer run [OPTIONS] IMAGE [COMMAND] [ARG...], or run [OPTIONS] /COMMAND [ARG...])',
      ),
    );
  }
  const target: RunTarget =
    rootfs || first.startsWith('/') ? { command: first, args } : { image: first, command: args };
  if (line.flags.detach || keptRun(line.flags, target.image !== undefined)) {
    const network = (line.flags.network as string | undefined) ?? 'none';
    const flags = { ...line.flags, network } as import('./detached.js').DetachedFlags;
    return (await import('./detached.js')).runDetached(target, flags, global);
  }
  return run(
    target,
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

async function run(target: RunTarget, flags: RunFlags, global: GlobalOptions): Promise<number> {
  const id = newContainerId();
  const runDirs = global.root ? { root: global.root } : {};
  // What gocontainers killed with SIGKILL left behind goes while this one starts.
  const swept = sweepRunDirs({ ...runDirs, beforeRemove: releaseSweptHold });
  let container: RunningContainer | undefined;
  let held: HeldImage | undefined;
  // While an image is pulled or unpacked, a signal ends the run (as Ctrl-C ends `docker pull`).
  let preparing = false;
  const pending: NodeJS.Signals[] = [];
  const forward = (signal: NodeJS.Signals) => {
    if (container) container.kill(signal);
    else if (preparing) {
      // What a pull or unpack left half-done, the store resumes or removes later.
      void (held?.release() ?? Promise.resolve())
        .then(() => runDir?.remove())
        .catch(() => undefined)
        .finally(() => process.exit(128 + (constants.signals[signal] ?? 0)));
    } else pending.push(signal);
  };
  for (const s of FORWARDED) process.on(s, forward);
  let runDir: RunDir | undefined;
  let stdio: Stdio | undefined;
  try {
    // isatty through the kernel binding: node:tty (process.stdin) loads node:net, ~6 ms of start-up.
    const kernel = createKernel();
    const mode = resolveStdioMode(flags, kernel.isatty(0));
    const input = { ...flags, id, terminal: mode.tty, callerEnv: process.env };
    let request: RunSpec;
    if (target.image === undefined) {
      request = buildRunSpec({ ...input, command: [target.command, ...target.args] });
      // Every container has one: its owner record names the cgroup for a sweep.
      runDir = createRunDir(id, { ...runDirs, overlay: request.hostRootOverlay });
    } else {
      // Only `run IMAGE` loads the image code: `run /COMMAND` starts as fast as before.
      const images = await import('./run-image.js');
      pullPolicy(flags.pull);
      preparing = true;
      const found = await images.findRunImage(target.image, flags.pull, global, kernel.isatty(2));
      // The run directory first: the hold is named in it, for a sweep.
      runDir = createRunDir(id, { ...runDirs, overlay: true });
      held = await images.holdRunImage(found, target.image, runDir.path, id, kernel.isatty(2));
      preparing = false;
      request = buildRunSpec({ ...input, command: target.command, image: held.image });
    }
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
      ...(runDir.overlay && request.imageLayers
        ? { overlay: { lower: request.imageLayers, upper: runDir.overlay.upper, work: runDir.overlay.work } }
        : runDir.overlay
          ? {
              overlay: {
                lower: ['/'],
                upper: runDir.overlay.upper,
                work: runDir.overlay.work,
                hidden: gocontainerStatePaths([global.root, global.dataRoot].filter((p) => p !== undefined)),
              },
            }
          : {}),
    });
    for (const s of pending.splice(0)) container.kill(s);
    const relayed = relayUntilExit(stdio, container);
    stdio = undefined;
    const exit = await relayed;
    if (exit.oomKilled) {
      const limit = exit.memoryLimit === undefined ? '' : ` (memory limit ${formatSize(exit.memoryLimit)})`;
      process.stderr.write(`gocontainer: container was OOM killed${limit}\n`);
    }
    return exit.exitCode;
  } catch (e) {
    return reportError(blameRunFlag(e, flags));
  } finally {
    stdio?.close();
    for (const s of FORWARDED) process.off(s, forward);
    // The hold before the run directory, which names it: a kill in between leaves the sweep a hold to release.
    const released = await (held?.release() ?? Promise.resolve()).then(
      () => true,
      () => false,
    );
    // What cannot go now, the next run's sweep removes: never an exit code lost to it.
    if (released) await runDir?.remove().catch(() => undefined);
    await swept;
  }
}
