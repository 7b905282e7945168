import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest.js';
import { type Compression, layerCompression } from '../media-types.js';
import { fsyncDir, tempPath } from './atomic-write.js';
import { openBlob } from './blobs.js';
import { EIMAGE_DIFFID, EIMAGE_MEDIA_TYPE } from './errors.js';
import { updateIndex } from './image-index.js';
import type { ImageRecord, UnpackProgress } from './image-store.js';
import {
  LAYER_FILES,
  LAYER_LINK,
  LAYER_SIZE,
  linkLayer,
  newShortName,
  unpackedLayer,
  unpackedSize,
} from './layer-dirs.js';
import { recordDiffSizes } from './layer-sizes.js';
import { tryLockFile } from './lock.js';
import { lockDigest, type StoreContext, withContent } from './store-context.js';

/** Layers unpacked at once: each is mostly decompression, one core each. */
const PARALLEL_UNPACKS = 2;

/**
 * `ImageStore.ensureLayers`: under the content lock (shared), each layer not
 * unpacked yet is unpacked under its own lock, so that of two callers (in
 * one process or two) one unpacks and the other waits and finds it there.
 */
export async function ensureLayers(
  ctx: StoreContext,
  image: ImageRecord,
  onProgress?: (progress: UnpackProgress) => void,
): Promise<string[]> {
  if (image.layers.length !== image.diffIds.length) {
    throw new GcError(
      'EIMAGE_INVALID',
      `image ${image.id}: ${image.diffIds.length} diff IDs for ${image.layers.length} layers`,
    );
  }
  // Every media type first, so that an image with one layer of an unknown type unpacks nothing.
  const compressions = image.layers.map((layer, i) => compressionOf(layer, i));
  return withContent(ctx, `unpack the layers of ${image.id}`, async () => {
    const paths: string[] = new Array(image.layers.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < image.layers.length; i = next++) {
        paths[i] = await ensureLayer(ctx, image.layers[i]!, image.diffIds[i]!, compressions[i]!, i, onProgress);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UNPACKS, image.layers.length) }, worker));
    await recordUnpackedSizes(ctx, image);
    return paths.reverse();
  });
}

/**
 * The uncompressed sizes its layers were unpacked with, into the index for
 * every image with those layers, where the image's record lacks them: a run
 * of an image whose sizes are known writes nothing.
 */
async function recordUnpackedSizes(ctx: StoreContext, image: ImageRecord): Promise<void> {
  const learnt = new Map<Digest, number>();
  image.diffIds.forEach((diffId, i) => {
    if (typeof image.diffSizes?.[i] === 'number') return;
    const size = unpackedSize(ctx, diffId);
    if (size !== undefined) learnt.set(diffId, size);
  });
  if (learnt.size > 0) await updateIndex(ctx, `sizes of ${image.id}`, (images) => recordDiffSizes(images, learnt));
}

function compressionOf(layer: Descriptor, index: number): Compression {
  const compression = layerCompression(layer.mediaType);
  if (compression === undefined) {
    throw new GcError(
      EIMAGE_MEDIA_TYPE,
      `layer ${index} (${layer.digest}): media type ${JSON.stringify(layer.mediaType)} is not a layer this store unpacks (expected a tar, tar+gzip or tar+zstd layer of the OCI or Docker image formats)`,
    );
  }
  return compression;
}

async function ensureLayer(
  ctx: StoreContext,
  layer: Descriptor,
  diffId: Digest,
  compression: Compression,
  index: number,
  onProgress?: (progress: UnpackProgress) => void,
): Promise<string> {
  const done = (path: string) => {
    onProgress?.({ layer, read: layer.size, total: layer.size, done: true });
    return path;
  };
  const present = unpackedLayer(ctx, diffId);
  if (present !== undefined) return done(present);
  const lock = await lockDigest(ctx, 'layer', diffId);
  try {
    const unpacked = unpackedLayer(ctx, diffId);
    if (unpacked !== undefined) return done(unpacked);
    return done(await unpackInto(ctx, layer, diffId, compression, index, openBlob(ctx, layer.digest), onProgress));
  } finally {
    lock.release();
  }
}

/**
 * Unpack `input` into tmp/, check the diff ID, link, and rename into
 * layers/ (once `verified` resolves: the blob's digest checked): nothing is
 * left of a failure.
 */
async function unpackInto(
  ctx: StoreContext,
  layer: Descriptor,
  diffId: Digest,
  compression: Compression,
  index: number,
  input: Readable,
  onProgress?: (progress: UnpackProgress) => void,
  verified?: Promise<void>,
): Promise<string> {
  const work = tempPath(ctx.layout.tmp, 'layer');
  const files = join(work, LAYER_FILES);
  let linked: string | undefined;
  try {
    mkdirSync(work, { mode: 0o700 });
    mkdirSync(files, { mode: 0o755 });
    const result = await ctx
      .unpack(ctx.kernel, input, compression, files, {
        rootless: ctx.rootless,
        onRead: (read) => onProgress?.({ layer, read, total: layer.size, done: false }),
      })
      .finally(() => input.destroy());
    if (result.diffId !== diffId) {
      throw new GcError(
        EIMAGE_DIFFID,
        `layer ${index} (${layer.digest}): its uncompressed digest is ${result.diffId}, but the config's rootfs.diff_ids[${index}] is ${diffId}`,
      );
    }
    await verified;
    let short = newShortName();
    while (!linkLayer(ctx, diffId, short)) short = newShortName();
    linked = join(ctx.layout.links, short);
    writeFileSync(join(work, LAYER_LINK), `${short}\n`, { mode: 0o644 });
    writeFileSync(join(work, LAYER_SIZE), `${result.size}\n`, { mode: 0o644 });
    renameSync(work, ctx.layout.layer(diffId));
    fsyncDir(ctx.layout.layersDir);
    return linked;
  } catch (e) {
    input.destroy();
    rmSync(work, { recursive: true, force: true });
    if (linked !== undefined) rmSync(linked, { force: true });
    throw e;
  }
}

/** A layer unpacked from a blob's bytes while they are written (`ImageStore.ingest`'s `unpackAs`). */
export interface StreamingUnpack {
  /** The blob's next bytes; a promise when the unpacker is behind, to await before the next. */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** The blob is complete and its digest checked: finish, check the diff ID and put the layer in place. */
  finish(): Promise<void>;
  /** Stop, and remove what was unpacked. */
  abort(): void;
}

// What the unpacker may lag behind the download before the download waits.
const STREAM_BUFFER = 4 << 20;

/**
 * Begin unpacking `layer` (as `diffId`) from bytes to come, as containerd
 * and Docker do: the layer is unpacked while it downloads, instead of read
 * back afterwards, and put in place only once its blob verified. Undefined
 * when there is nothing to do here: the layer is unpacked already, or another
 * unpack of it holds its lock (ensureLayers then waits for that one), or its
 * media type is not a layer's. A failure is not thrown here: the layer stays
 * not unpacked, and ensureLayers unpacks it from the blob and reports.
 */
export function startStreamingUnpack(
  ctx: StoreContext,
  layer: Descriptor,
  diffId: Digest,
  index: number,
): StreamingUnpack | undefined {
  const compression = layerCompression(layer.mediaType);
  if (compression === undefined || unpackedLayer(ctx, diffId) !== undefined) return undefined;
  const lock = tryLockFile(ctx.kernel, ctx.layout.lock('layer', diffId), `layer ${diffId}`);
  if (lock === undefined) return undefined;
  if (unpackedLayer(ctx, diffId) !== undefined) {
    lock.release();
    return undefined;
  }
  const input = new PassThrough({ highWaterMark: STREAM_BUFFER });
  let verify: () => void = () => {};
  let refuse: (e: Error) => void = () => {};
  const verified = new Promise<void>((resolve, reject) => {
    verify = resolve;
    refuse = reject;
  });
  verified.catch(() => {});
  let failed = false;
  const done = unpackInto(ctx, layer, diffId, compression, index, input, undefined, verified)
    .catch(() => {
      failed = true;
    })
    .finally(() => lock.release());
  return {
    write(chunk) {
      if (failed || input.destroyed) return undefined;
      if (input.write(chunk)) return undefined;
      return new Promise<void>((resolve) => {
        const go = () => {
          input.off('drain', go);
          input.off('close', go);
          resolve();
        };
        input.on('drain', go);
        input.on('close', go);
      });
    },
    async finish() {
      input.end();
      verify();
      await done;
    },
    abort() {
      refuse(new Error('the blob was not stored'));
      input.destroy();
    },
  };
}
