import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  blameRunFlag,
  buildRunSpec,
  type ContainerRecord,
  type ContainerStore,
  createContainerStore,
  type NewContainer,
  parseDetachKeys,
  parseLogOptions,
  parseRestartPolicy,
  pullPolicy,
  type RunImage,
  type RunSpec,
  type StartFile,
  writeStartFile,
  ZERO_TIME,
} from '@gc/engine';
import { gocontainerStatePaths, newContainerId } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { launchDetached } from '../detached/launch.js';
import type { FoundImage } from './run-image.js';
import type { RunFlags } from './run-options.js';

/** `run -d`'s own flags (and a kept foreground run's), beside the flags of every run. */
export interface DetachedFlags extends RunFlags {
  detach?: boolean;
  name?: string;
  restart?: string;
  logOpt?: string[];
  detachKeys?: string;
  sigProxy?: boolean;
}

/** What the container runs on: an image, or (a command path first) the host's root or `--rootfs`. */
export type DetachedTarget =
  | { image: string; command: string[] }
  | { image?: undefined; command: string; args: string[] };

/**
 * `gocontainer run -d`: make the container's record in the engine's store,
 * hand it to a gc-monitor of its own (which starts it, through
 * `__start-container`, and outlives us), print its full ID once it runs
 * and exit 0, as `docker run -d`. A container that does not start is
 * removed again (record, image hold), and its error is ours: 125, 126 or 127.
 * With -t the monitor holds the pty's master, with -i the write end of its
 * stdin; `attach` reaches both through the monitor's attach socket.
 *
 * Without -d (a kept foreground run, see kept-run.ts) it is `docker run`'s
 * create, attach, start: the monitor starts the container once we are on
 * its attach socket, so that no output is missed; we relay our stdio until
 * it exits, and exit with its code, or leave it running at the detach keys.
 */
export async function runDetached(
  target: DetachedTarget,
  flags: DetachedFlags,
  global: GlobalOptions,
): Promise<number> {
  let store: ContainerStore | undefined;
  let record: ContainerRecord | undefined;
  let found: FoundImage | undefined;
  let started = false;
  const id = newContainerId();
  const attached = !flags.detach;
  try {
    if (attached) checkAttachable(flags);
    const restartPolicy = parseRestartPolicy(flags.restart);
    const logConfig = parseLogOptions(flags.logOpt ?? []);
    if (flags.rm && restartPolicy.name !== 'no') {
      throw new UsageError('Conflicting options: --restart and --rm (a container removed at its exit cannot restart)');
    }
    store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
    const input = { ...flags, id, terminal: flags.tty ?? false, callerEnv: process.env };
    let request: RunSpec;
    let image: RunImage | undefined;
    if (target.image === undefined) {
      request = buildRunSpec({ ...input, command: [target.command, ...target.args] });
    } else {
      const images = await import('./run-image.js');
      pullPolicy(flags.pull);
      // A foreground run shows a pull's progress as the fast path does: bars on a terminal.
      found = await images.findRunImage(target.image, flags.pull, global, attached && createKernel().isatty(2));
      image = await holdForContainer(found, target.image, store.dir(id), id);
      request = buildRunSpec({ ...input, command: target.command, image });
    }
    record = store.create(newContainer(id, target, flags, request, found, image, restartPolicy, logConfig));
    const dir = store.dir(id);
    const overlay = overlayOf(request, global);
    if (overlay) for (const sub of ['upper', 'work', 'merged']) mkdirSync(join(dir, sub), { mode: 0o700 });
    const start: StartFile = {
      spec: request.spec,
      init: request.init,
      ...(request.cgroupParent ? { cgroupParent: request.cgroupParent } : {}),
      ...(overlay ? { overlay } : {}),
      etcFiles: request.etcFiles,
    };
    writeStartFile(dir, start);
    store.writeState(id, {
      status: 'created',
      pid: 0,
      exitCode: 0,
      oomKilled: false,
      error: '',
      startedAt: ZERO_TIME,
      finishedAt: ZERO_TIME,
      restartCount: 0,
    });
    if (attached) {
      const { attachAndStart } = await import('./attach-and-start.js');
      return await attachAndStart(store, record, launchDetached(store, record, global, { waitAttach: true }), {
        ...(flags.detachKeys === undefined ? {} : { detachKeys: flags.detachKeys }),
        ...(flags.sigProxy === undefined ? {} : { sigProxy: flags.sigProxy }),
        onStarted: () => {
          started = true;
        },
      });
    }
    await launchDetached(store, record, global);
    process.stdout.write(`${id}\n`);
    return 0;
  } catch (e) {
    if (!started) await removeFailed(store, id, found);
    return reportError(blameRunFlag(e, flags));
  }
}

/** What `docker run` refuses before it makes anything: -t with -i needs a terminal; detach keys need -i. */
function checkAttachable(flags: DetachedFlags): void {
  if (flags.detachKeys !== undefined) parseDetachKeys(flags.detachKeys);
  if (flags.tty && flags.interactive && !createKernel().isatty(0))
    throw new UsageError('the input device is not a TTY', 1);
}

/**
 * Hold the image for as long as the container exists: the hold names the
 * container's directory, so that it lasts until `rm` removes that (or
 * releases it), whatever becomes of this process. Then its layers.
 */
async function holdForContainer(found: FoundImage, name: string, dir: string, id: string): Promise<RunImage> {
  const { readLayerFile } = await import('@gc/image/store');
  await found.store.retain(id, found.record, { runDir: dir });
  try {
    const layers = await found.store.ensureLayers(found.record);
    if (layers.length === 0) throw new UsageError(`run: the image ${name} has no layers: it has no files to run`);
    return {
      name,
      config: found.record.config.config ?? {},
      layers,
      readFile: (path) => readLayerFile(layers, path)?.toString('utf8'),
    };
  } catch (e) {
    await found.store.release(id).catch(() => undefined);
    throw e;
  }
}

/** The root's overlay, as the starter replays it: the image's layers, or the host's root. */
function overlayOf(request: RunSpec, global: GlobalOptions): StartFile['overlay'] {
  if (request.imageLayers) return { lower: request.imageLayers };
  if (request.hostRootOverlay) {
    return {
      lower: ['/'],
      hidden: gocontainerStatePaths([global.root, global.dataRoot].filter((p) => p !== undefined)),
    };
  }
  return undefined;
}

function newContainer(
  id: string,
  target: DetachedTarget,
  flags: DetachedFlags,
  request: RunSpec,
  found: FoundImage | undefined,
  image: RunImage | undefined,
  restartPolicy: NewContainer['hostConfig']['restartPolicy'],
  logConfig: NewContainer['hostConfig']['logConfig'],
): NewContainer {
  const { process: proc } = request.spec;
  const [path, ...args] = proc.args ?? [];
  return {
    id,
    ...(flags.name === undefined ? {} : { name: flags.name }),
    image: target.image ?? '',
    ...(found ? { imageId: found.record.id } : {}),
    path: path ?? '',
    args,
    config: {
      hostname: request.spec.hostname ?? '',
      env: proc.env ?? [],
      workingDir: proc.cwd,
      user: flags.user ?? image?.config.User ?? '',
      tty: flags.tty ?? false,
      openStdin: flags.interactive ?? false,
      ...(image?.config.Entrypoint ? { entrypoint: image.config.Entrypoint } : {}),
      ...(image?.config.Cmd ? { cmd: image.config.Cmd } : {}),
      labels: {},
    },
    hostConfig: {
      restartPolicy,
      logConfig,
      autoRemove: flags.rm ?? false,
      memory: request.spec.linux?.resources?.memory?.limit ?? 0,
      networkMode: flags.network ?? 'none',
      init: request.init,
    },
  };
}

/** What a failed `run -d` made goes: the image hold and the container's directory. */
async function removeFailed(
  store: ContainerStore | undefined,
  id: string,
  found: FoundImage | undefined,
): Promise<void> {
  await found?.store.release(id).catch(() => undefined);
  store?.remove(id);
}
