import { lstatSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, digestHex } from '../digest-text.js';
import type { ContainerHold } from './container-holds.js';
import type { ImageRecord } from './image-store.js';
import { removeLayer } from './layer-dirs.js';
import type { StoreContext } from './store-context.js';

/** The blobs (by hex) and layers (by diff ID hex) that images and containers still need. */
export interface Referenced {
  blobs: Set<string>;
  layers: Set<string>;
}

export function referenced(images: readonly ImageRecord[], holds: readonly ContainerHold[]): Referenced {
  const blobs = new Set<string>();
  const layers = new Set<string>();
  for (const image of images) {
    for (const digest of [image.manifest.digest, image.id, ...image.layers.map((l) => l.digest)]) {
      blobs.add(digestHex(digest));
    }
    for (const diffId of image.diffIds) layers.add(digestHex(diffId));
  }
  for (const hold of holds) {
    for (const digest of hold.blobs) blobs.add(digestHex(digest));
    for (const diffId of hold.diffIds) layers.add(digestHex(diffId));
  }
  return { blobs, layers };
}

/** Remove the image's blobs and layers that nothing references any more; returns the bytes freed. */
export function removeUnreferencedOf(ctx: StoreContext, image: ImageRecord, keep: Referenced): number {
  let freed = 0;
  const blobs: Digest[] = [image.manifest.digest, image.id, ...image.layers.map((l) => l.digest)];
  for (const digest of new Set(blobs)) {
    if (!keep.blobs.has(digestHex(digest))) freed += removeFile(ctx.layout.blob(digest));
  }
  for (const diffId of new Set(image.diffIds)) {
    const hex = digestHex(diffId);
    if (!keep.layers.has(hex)) freed += removeLayer(ctx, hex, treeSize);
  }
  return freed;
}

/** Unlink a file; the bytes it took (0 when it was gone). */
export function removeFile(path: string): number {
  let size: number;
  try {
    size = lstatSync(path).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  rmSync(path, { force: true });
  return size;
}

/** The bytes of the regular files under `path` (as `du` would count them, roughly). */
export function treeSize(path: string): number {
  const stats = lstatSync(path);
  if (!stats.isDirectory()) return stats.isFile() ? stats.size : 0;
  let size = 0;
  for (const name of readdirSync(path)) size += treeSize(join(path, name));
  return size;
}

/**
 * The blobs a released container held that nothing references now (its
 * image was removed by force): dated back to the epoch, so that prune's
 * grace for young unreferenced blobs, which protects writers, does not keep them.
 */
export function markOrphans(
  ctx: StoreContext,
  hold: ContainerHold,
  images: readonly ImageRecord[],
  holds: readonly ContainerHold[],
): void {
  const keep = referenced(images, holds);
  for (const digest of hold.blobs) {
    if (keep.blobs.has(digestHex(digest))) continue;
    try {
      utimesSync(ctx.layout.blob(digest), 0, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
