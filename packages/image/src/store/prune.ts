import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../digest.js';
import { referenced, removeFile, treeSize } from './collect.js';
import { readHolds } from './container-holds.js';
import { updateIndex } from './image-index.js';
import { removeLayer } from './layer-dirs.js';
import { lockContent, type StoreContext } from './store-context.js';

/**
 * How old an unreferenced blob or an interrupted ingest must be before prune
 * removes it: a writer that did not take a lease (see `ImageStore.lease`)
 * may have stored a blob it has not added to an image yet, and a pull
 * interrupted a moment ago may want to resume.
 */
export const UNREFERENCED_GRACE_MS = 60 * 60 * 1000;

/**
 * `ImageStore.prune`, under the content lock, exclusively: no writer is
 * between its writes, so everything in tmp/ and every per-digest lock file
 * is stale. The index is written first, then the files go.
 */
export async function prune(
  ctx: StoreContext,
  options: { all?: boolean } = {},
): Promise<{ deleted: Digest[]; reclaimed: number }> {
  const content = await lockContent(ctx, false, 'prune the image store');
  try {
    const holds = readHolds(ctx);
    const held = new Set(holds.map((h) => h.image));
    const { doomed, remaining } = await updateIndex(ctx, 'prune', (images) => {
      const doomed = images.filter((i) => !held.has(i.id) && (options.all === true || i.names.length === 0));
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
    for (const name of readdirSync(ctx.layout.ingestDir)) {
      const path = join(ctx.layout.ingestDir, name);
      if (statSync(path).mtimeMs < old) reclaimed += removeFile(path);
    }
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
