import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest-text.js';
import { type Compression, layerCompression } from '../media-types.js';
import { fsyncDir, tempPath } from './atomic-write.js';
import { EIMAGE_DIFFID } from './errors.js';
import type { UnpackProgress } from './image-store.js';
import { LAYER_FILES, LAYER_LINK, LAYER_SIZE, linkLayer, unpackedLayer } from './layer-dirs.js';
import { tryLockFile } from './lock.js';
import { newShortName } from './short-name.js';
import type { StoreContext } from './store-context.js';

/**
 * Unpack `input` into tmp/, check the diff ID, link, and rename into
 * layers/ (once `verified` resolves: the blob's digest checked): nothing is
 * left of a failure.
 */
export async function unpackInto(
  ctx: StoreContext,
  layer: Descriptor,
  diffId: Digest,
  compression: Compression,
  index: number,
  input: Readable | string,
  onProgress?: (progress: UnpackProgress) => void,
  verified?: Promise<void>,
): Promise<string> {
  const destroy = () => {
    if (typeof input !== 'string') input.destroy();
  };
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
        // The blob's bytes are checked against layer.digest: a blob of the
        // store was when it was written, a download is before `verified`
        // resolves. A plain tar's diff ID is then that digest, unhashed.
        verifiedDigest: layer.digest,
      })
      .finally(destroy);
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
    destroy();
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
  // One wait for 'drain' however many chunks of a batch are written past the high-water mark.
  let draining: Promise<void> | undefined;
  return {
    write(chunk) {
      if (failed || input.destroyed) return undefined;
      if (input.write(chunk)) return undefined;
      draining ??= new Promise<void>((resolve) => {
        const go = () => {
          input.off('drain', go);
          input.off('close', go);
          draining = undefined;
          resolve();
        };
        input.on('drain', go);
        input.on('close', go);
      });
      return draining;
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
