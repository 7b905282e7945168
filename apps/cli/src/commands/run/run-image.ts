import { type PullPolicy, pullPolicy, type RunImage } from '@gc/engine/spec';
import { familiarName, type ImageRecord, type ImageStore, parseReference, readLayerFile } from '@gc/image/store';
import { GcError } from '@gc/syscall';
import { DATA_ROOT } from '../../data-root.js';
import type { GlobalOptions } from '../../global-options.js';
import { findImage, openImageStore, showId } from '../../image-store.js';
import { createLayerProgress } from '../../progress/layer-progress.js';
import { writeHoldMarker } from './image-hold.js';

/** An image a container runs on, held (its layers kept) until `release`. */
export interface HeldImage {
  readonly image: RunImage;
  release(): Promise<void>;
}

export interface FoundImage {
  readonly store: ImageStore;
  readonly record: ImageRecord;
  readonly dataRoot: string;
}

/**
 * `run IMAGE`'s image, found in the store or pulled as `--pull` says, its
 * progress on stderr as `docker run` shows it.
 */
export async function findRunImage(
  name: string,
  pull: string | undefined,
  global: GlobalOptions,
  stderrIsTerminal: boolean,
): Promise<FoundImage> {
  const policy: PullPolicy = pullPolicy(pull);
  const dataRoot = global.dataRoot ?? DATA_ROOT;
  const store = openImageStore(global);
  let record = policy === 'always' ? undefined : findImage(store, name);
  if (record === undefined) {
    if (policy === 'never') {
      throw new GcError(
        'EIMAGE_NOT_FOUND',
        `run: no such image: ${name} (--pull never: it is not pulled; pull it or load it first)`,
      );
    }
    if (policy === 'missing') process.stderr.write(`Unable to find image '${showName(name)}' locally\n`);
    // The registry code only when there is something to pull.
    const { pullWithProgress } = await import('../pull/pull-with-progress.js');
    record = await pullWithProgress(store, name, { fd: 2, terminal: stderrIsTerminal });
  }
  return { store, record, dataRoot };
}

/**
 * Hold the image for the container whose run directory is `runDir` (the
 * hold is named there first, for a sweep should this process be killed),
 * then unpack its layers. A failure releases it.
 */
export async function holdRunImage(
  found: FoundImage,
  name: string,
  runDir: string,
  containerId: string,
  stderrIsTerminal: boolean,
): Promise<HeldImage> {
  const { store, record } = found;
  writeHoldMarker(runDir, found.dataRoot);
  await store.retain(containerId, record, { runDir });
  try {
    const layers = await unpack(store, record, stderrIsTerminal);
    if (layers.length === 0) {
      throw new GcError('EIMAGE_EMPTY', `run: the image ${name} has no layers: it has no files to run`);
    }
    return {
      image: {
        name,
        config: record.config.config ?? {},
        layers,
        readFile: (path) => readLayerFile(layers, path)?.toString('utf8'),
      },
      release: () => store.release(containerId),
    };
  } catch (e) {
    await store.release(containerId).catch(() => undefined);
    throw e;
  }
}

/** Release a dead gocontainer's hold (the sweep's). */
export async function releaseHold(dataRoot: string, containerId: string): Promise<void> {
  await openImageStore({ dataRoot }).release(containerId);
}

/** The layers of `image`, unpacked first where they are not, with the progress on a terminal. */
async function unpack(store: ImageStore, image: ImageRecord, terminal: boolean): Promise<string[]> {
  if (!terminal) return store.ensureLayers(image);
  const progress = await createLayerProgress(2, true);
  const extracting = new Set<string>();
  try {
    return await store.ensureLayers(image, (p) => {
      const id = showId(p.layer.digest);
      // A layer unpacked before is done at once: nothing to show, as `docker run` of an image it has.
      if (p.done && !extracting.has(id)) return;
      extracting.add(id);
      progress.update(
        id,
        p.done ? 'Extracted' : 'Extracting',
        p.done ? undefined : { current: p.read, total: p.total },
      );
    });
  } finally {
    progress.stop();
  }
}

/** `busybox:latest`: the name as Docker's "Unable to find image" line writes it. */
function showName(name: string): string {
  try {
    return familiarName(parseReference(name));
  } catch {
    return name;
  }
}
