import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../digest.js';
import { referenced, removeFile, treeSize } from './collect.js';
import { readLiveHolds } from './container-holds.js';
import { readIndex, updateIndex } from './image-index.js';
import type { ImageRecord } from './image-store.js';
import { removeLayer } from './layer-dirs.js';
import { lockContent, type StoreContext } from './store-context.js';

/**
 * How old an unreferenced blob must be before prune removes it: a writer
 * that did not take a lease (see `ImageStore.lease`) may have stored a blob
 * it has not added to an image yet. A blob stored under a lease is dated
 * back (`markLeasedBlob`): its lease, not its age, protects it.
 */
export const UNREFERENCED_GRACE_MS = 60 * 60 * 1000;

/**
 * `ImageStore.prune`, under the content lock, exclusively: no writer is
 * between its writes, so everything in tmp/, every ingest (a writer holds
 * the content lock shared from its ingest's open to its commit or abort, so
 * one there now is of a writer killed or given up) and every per-digest lock
 * file is stale. The index is written first, then the files go.
 */
export async function prune(
  ctx: StoreContext,
  options: { all?: boolean } = {},
): Promise<{ deleted: Digest[]; reclaimed: number }> {
  const content = await lockContent(ctx, false, 'prune the image store');
  try {
    const holds = readLiveHolds(ctx, readIndex(ctx));
    const held = new Set(holds.map((h) => h.image));
    const { doomed, remaining } = await updateIndex(ctx, 'prune', (images) => {
      const doomed = images.filter((i) => !held.has(i.id) && (options.all === true || dangling(i)));
      for (const image of doomed) images.splice(images.indexOf(image), 1);
      return { doomed, remaining: [...images] };
    });
    const keep = referenced(remaining, holds);
    const ofDoomed = referenced(doomed, []);
    const old = Date.now() - UNREFERENCED_GRACE_MS;
    let reclaimed = 0;
    for (const hex of readdirSync(ctx.layout.blobs)) {
      if (keep.blobs.has(hex)) continue;
      const path = join(ctx.layout.blobs, hex);
      if (ofDoomed.blobs.has(hex) || statSync(path).mtimeMs < old) reclaimed += removeFile(path);
    }
    for (const hex of readdirSync(ctx.layout.layersDir)) {
      if (!keep.layers.has(hex)) reclaimed += removeLayer(ctx, hex, treeSize);
    }
    for (const name of readdirSync(ctx.layout.ingestDir)) reclaimed += removeFile(join(ctx.layout.ingestDir, name));
    for (const name of readdirSync(ctx.layout.tmp)) {
      const path = join(ctx.layout.tmp, name);
      reclaimed += treeSize(path);
      rmSync(path, { recursive: true, force: true });
    }
    removeDanglingLinks(ctx);
    for (const name of readdirSync(ctx.layout.locks)) {
      if (name.startsWith('blob-') || name.startsWith('layer-')) rmSync(join(ctx.layout.locks, name), { force: true });
    }
    return { deleted: doomed.map((i) => i.id), reclaimed };
  } finally {
    content.release();
  }
}

/** Links whose layer is gone (a crash between the link and the layer's rename). */
function removeDanglingLinks(ctx: StoreContext): void {
  for (const name of readdirSync(ctx.layout.links)) {
    const path = join(ctx.layout.links, name);
    try {
      statSync(path);
    } catch {
      if (lstatSync(path).isSymbolicLink()) rmSync(path, { force: true });
    }
  }
}

/** No name and no repo digest: as Docker's, an image pulled by digest is not dangling. */
function dangling(image: ImageRecord): boolean {
  return image.names.length === 0 && image.repoDigests.length === 0;
}
