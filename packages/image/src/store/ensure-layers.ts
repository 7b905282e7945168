import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest.js';
import { type Compression, layerCompression } from '../media-types.js';
import { fsyncDir, tempPath } from './atomic-write.js';
import { openBlob } from './blobs.js';
import { EIMAGE_DIFFID, EIMAGE_MEDIA_TYPE } from './errors.js';
import { updateIndex } from './image-index.js';
import type { ImageRecord, UnpackProgress } from './image-store.js';
import { LAYER_FILES, LAYER_LINK, linkLayer, newShortName, unpackedLayer } from './layer-dirs.js';
import { recordDiffSizes } from './layer-sizes.js';
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
    const learnt = new Map<Digest, number>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < image.layers.length; i = next++) {
        paths[i] = await ensureLayer(ctx, image.layers[i]!, image.diffIds[i]!, compressions[i]!, i, learnt, onProgress);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UNPACKS, image.layers.length) }, worker));
    // Only after an unpack: a run of an image unpacked before writes nothing.
    if (learnt.size > 0) await updateIndex(ctx, `sizes of ${image.id}`, (images) => recordDiffSizes(images, learnt));
    return paths.reverse();
  });
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
  learnt: Map<Digest, number>,
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
    return done(await unpackInto(ctx, layer, diffId, compression, index, learnt, onProgress));
  } finally {
    lock.release();
  }
}

/** Unpack into tmp/, check the diff ID, link, and rename into layers/: nothing is left of a failure. */
async function unpackInto(
  ctx: StoreContext,
  layer: Descriptor,
  diffId: Digest,
  compression: Compression,
  index: number,
  learnt: Map<Digest, number>,
  onProgress?: (progress: UnpackProgress) => void,
): Promise<string> {
  const work = tempPath(ctx.layout.tmp, 'layer');
  const files = join(work, LAYER_FILES);
  let linked: string | undefined;
  try {
    mkdirSync(work, { mode: 0o700 });
    mkdirSync(files, { mode: 0o755 });
    const input = openBlob(ctx, layer.digest);
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
    learnt.set(diffId, result.size);
    let short = newShortName();
    while (!linkLayer(ctx, diffId, short)) short = newShortName();
    linked = join(ctx.layout.links, short);
    writeFileSync(join(work, LAYER_LINK), `${short}\n`, { mode: 0o644 });
    renameSync(work, ctx.layout.layer(diffId));
    fsyncDir(ctx.layout.layersDir);
    return linked;
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    if (linked !== undefined) rmSync(linked, { force: true });
    throw e;
  }
}
