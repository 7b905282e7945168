import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest-text.js';
import { type Compression, layerCompression } from '../media-types.js';
import { EIMAGE_MEDIA_TYPE, EIMAGE_NOT_FOUND } from './errors.js';
import { updateIndex } from './image-index.js';
import type { ImageRecord, UnpackProgress } from './image-store.js';
import { unpackedLayer, unpackedSize } from './layer-dirs.js';
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
  // All unpacked (a run of an image it ran before): nothing to write, so no
  // lock; the caller's hold (`retain`) is what keeps them from a prune.
  const present = image.diffIds.map((diffId) => unpackedLayer(ctx, diffId));
  if (!present.includes(undefined)) {
    image.layers.forEach((layer) => {
      onProgress?.({ layer, read: layer.size, total: layer.size, done: true });
    });
    // Layers unpacked before their sizes were kept: learnt once, then nothing is written.
    await recordUnpackedSizes(ctx, image);
    return (present as string[]).reverse();
  }
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
    // The unpacker (tar, decompressors, node:crypto) only for a layer not unpacked yet.
    const { unpackInto } = await import('./unpack-into.js');
    const { blobPathOf, hasBlob } = await import('./blob-files.js');
    if (!hasBlob(ctx, layer.digest)) {
      throw new GcError(EIMAGE_NOT_FOUND, `blob ${layer.digest}: not in the store`);
    }
    const blob = blobPathOf(ctx, layer.digest);
    return done(await unpackInto(ctx, layer, diffId, compression, index, blob, onProgress));
  } finally {
    lock.release();
  }
}
