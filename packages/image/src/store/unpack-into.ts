import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest-text.js';
import type { Compression } from '../media-types.js';
import { fsyncDir, tempPath } from './atomic-write.js';
import { openBlob } from './blob-files.js';
import { EIMAGE_DIFFID } from './errors.js';
import type { UnpackProgress } from './image-store.js';
import { LAYER_FILES, LAYER_LINK, linkLayer } from './layer-dirs.js';
import { newShortName } from './short-name.js';
import type { StoreContext } from './store-context.js';

/** Unpack into tmp/, check the diff ID, link, and rename into layers/: nothing is left of a failure. */
export async function unpackInto(
  ctx: StoreContext,
  layer: Descriptor,
  diffId: Digest,
  compression: Compression,
  index: number,
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
