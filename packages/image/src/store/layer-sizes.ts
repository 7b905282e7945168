import type { Digest } from '../digest.js';
import { layerCompression } from '../media-types.js';
import type { ImageRecord } from './image-store.js';

/**
 * The image's size as Docker shows it: the sum of its layers' uncompressed
 * sizes. A compressed layer not unpacked yet counts as stored, the best
 * known until then.
 */
export function imageSize(image: ImageRecord): number {
  return image.layers.reduce((sum, layer, i) => sum + (image.diffSizes?.[i] ?? layer.size), 0);
}

/**
 * The uncompressed size of each layer of `image`, from `given` (by diff ID),
 * from its unpacked layer, from another image of `images` with the same
 * layer, or from the stored size of a layer stored uncompressed; null where
 * none knows it.
 */
export function knownDiffSizes(
  image: Pick<ImageRecord, 'layers' | 'diffIds'>,
  images: readonly ImageRecord[],
  given: ReadonlyMap<Digest, number>,
  unpacked: (diffId: Digest) => number | undefined,
): (number | null)[] {
  return image.diffIds.map((diffId, i) => {
    const size = given.get(diffId) ?? unpacked(diffId);
    if (size !== undefined) return size;
    for (const other of images) {
      const at = other.diffIds.indexOf(diffId);
      const known = at < 0 ? undefined : other.diffSizes?.[at];
      if (typeof known === 'number') return known;
    }
    const layer = image.layers[i];
    return layer !== undefined && layerCompression(layer.mediaType) === 'none' ? layer.size : null;
  });
}

/** Record sizes learnt (by diff ID) in every image of the index with those layers. */
export function recordDiffSizes(images: ImageRecord[], learnt: ReadonlyMap<Digest, number>): void {
  for (const image of images) {
    const sizes = image.diffSizes ?? image.diffIds.map(() => null);
    image.diffSizes = image.diffIds.map((diffId, i) => learnt.get(diffId) ?? sizes[i] ?? null);
  }
}
