import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { GcError, type Kernel } from '@gc/syscall';
import type { Digest } from '../digest-text.js';
import { blobPathOf, hasBlob, openBlob, readBlob } from './blob-files.js';
import { markOrphans } from './collect.js';
import { checkContainerId, heldBlobs, holdOf, readHold, readHolds, removeHold, writeHold } from './container-holds.js';
import { ensureLayers } from './ensure-layers.js';
import { EIMAGE_NOT_FOUND } from './errors.js';
import { matchImage, normaliseName } from './find-image.js';
import { currentHoldOwner } from './hold-owner.js';
import { readIndex, updateIndex } from './image-index.js';
import type { ImageStore } from './image-store.js';
import { unpackedLayer } from './layer-dirs.js';
import { tryLockFile } from './lock.js';
import { lockContent, type StoreContext, type UnpackFunction, withContent } from './store-context.js';
import { storeLayout } from './store-layout.js';

/** Where gocontainer keeps images unless told otherwise (`--data-root`). */
export const DEFAULT_IMAGE_ROOT = '/var/lib/gocontainer';

export interface ImageStoreOptions {
  /** The data root (default DEFAULT_IMAGE_ROOT); made if missing, mode 0700. */
  root?: string;
  /** flock(2) for the store's locks, and the unpacker's openat2. */
  kernel: Kernel;
  /** The layer unpacker (default `unpackLayer`). */
  unpack?: UnpackFunction;
  /** Layers for rootless overlayfs (`user.overlay.*` xattrs); default: when not running as root. */
  rootless?: boolean;
  /** How long the content and index locks are waited for (default a minute). */
  lockTimeoutMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/**
 * The default unpacker, loaded with its tar parser and decompressors when a
 * layer is to be unpacked: `run IMAGE` of unpacked layers loads none of them.
 */
const unpackLayer: UnpackFunction = async (...args) => (await import('../unpack/unpack-layer.js')).unpackLayer(...args);

/**
 * Open (and make, the first time) the image store under `root`. What
 * writes blobs and images (node:crypto, the schema validators), removes them
 * or unpacks layers is imported when first called, so that reading the
 * store and holding an image (`run IMAGE`) loads none of it. A process
 * killed in the middle of a write leaves its temp files in tmp/: the first
 * open that finds the store idle (no writer holds the content lock) removes them.
 */
export function createImageStore(options: ImageStoreOptions): ImageStore {
  const root = resolve(options.root ?? DEFAULT_IMAGE_ROOT);
  const layout = storeLayout(root);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (const dir of [
    layout.blobs,
    layout.ingestDir,
    layout.layersDir,
    layout.links,
    layout.tmp,
    layout.containers,
    layout.locks,
  ]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const ctx: StoreContext = {
    layout,
    kernel: options.kernel,
    unpack: options.unpack ?? unpackLayer,
    rootless: options.rootless ?? process.geteuid?.() !== 0,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    leases: { held: 0 },
  };
  cleanTmpIfIdle(ctx);

  const findImage = (text: string) => matchImage(readIndex(ctx), text)?.image;
  return {
    root,
    hasBlob: (digest) => hasBlob(ctx, digest),
    blobPath: (digest) => blobPathOf(ctx, digest),
    readBlob: (digest) => readBlob(ctx, digest),
    openBlob: (digest) => openBlob(ctx, digest),
    putBlob: async (data, expected) => (await import('./blobs.js')).putBlob(ctx, data, expected),
    putBlobStream: async (input, expected) => (await import('./blobs.js')).putBlobStream(ctx, input, expected),
    ingest: async (expected, ingestOptions) => {
      const unpackAs = ingestOptions?.unpackAs;
      const { openIngest } = await import('./blob-writer.js');
      // A layer unpacked while it downloads: the unpacker loads only then.
      const streaming = unpackAs && (await import('./unpack-into.js'));
      return openIngest(
        ctx,
        expected,
        unpackAs &&
          streaming &&
          (() =>
            streaming.startStreamingUnpack(
              ctx,
              { mediaType: expected.mediaType ?? '', digest: expected.digest, size: expected.size },
              unpackAs.diffId,
              unpackAs.index,
            )),
      );
    },
    lease: async (what = 'a lease') => {
      const lock = await lockContent(ctx, true, what);
      ctx.leases.held++;
      let held = true;
      return {
        release: () => {
          if (!held) return;
          held = false;
          ctx.leases.held--;
          lock.release();
        },
      };
    },
    addImage: async (manifest, addOptions) => (await import('./add-image.js')).addImage(ctx, manifest, addOptions),
    findImage,
    listImages: () => readIndex(ctx),
    tagImage: async (image, name) => {
      const full = normaliseName(name, 'name');
      const { pointName } = await import('./add-image.js');
      return updateIndex(ctx, `tag ${image.id} ${full}`, (images) => {
        const record = images.find((i) => i.id === image.id);
        if (record === undefined) throw new GcError(EIMAGE_NOT_FOUND, `image ${image.id}: no such image`);
        pointName(images, record, full);
        return record;
      });
    },
    removeImage: async (text, removeOptions) =>
      (await import('./remove-image.js')).removeImage(ctx, text, removeOptions),
    prune: async (pruneOptions) => (await import('./prune.js')).prune(ctx, pruneOptions),
    readManifest: async (digest: Digest) => {
      const size = readBlob(ctx, digest).length;
      return (await import('./add-image.js')).readManifest(ctx, { digest, size });
    },
    ensureLayers: (image, onProgress) => ensureLayers(ctx, image, onProgress),
    unpackedLayers: (image) => {
      const present = image.diffIds.map((diffId) => unpackedLayer(ctx, diffId));
      return present.includes(undefined) ? undefined : (present as string[]).reverse();
    },
    retain: async (containerId, image, retainOptions = {}) => {
      checkContainerId(containerId);
      await withContent(ctx, `retain ${image.id} for ${containerId}`, () => {
        const record = readIndex(ctx).find((i) => i.id === image.id);
        if (record === undefined) throw new GcError(EIMAGE_NOT_FOUND, `image ${image.id}: no such image`);
        writeHold(ctx, holdOf(containerId, record, currentHoldOwner(retainOptions.runDir)));
      });
    },
    release: async (containerId) => {
      checkContainerId(containerId);
      await withContent(ctx, `release ${containerId}`, () => {
        const hold = readHold(ctx, containerId);
        if (hold === undefined) return;
        removeHold(ctx, containerId);
        const images = readIndex(ctx);
        // Still an image of the index, as held: its record references all the hold did, nothing became an orphan.
        const image = images.find((i) => i.id === hold.image);
        if (image !== undefined && sameBlobs(hold.blobs, heldBlobs(image))) return;
        markOrphans(ctx, hold, images, readHolds(ctx));
      });
    },
  };
}

function sameBlobs(a: readonly Digest[], b: readonly Digest[]): boolean {
  return a.length === b.length && a.every((digest) => b.includes(digest));
}

/** Leftovers of killed writers: only when no writer holds the content lock, and without waiting. */
function cleanTmpIfIdle(ctx: StoreContext): void {
  const lock = tryLockFile(ctx.kernel, ctx.layout.contentLock, 'clean tmp/ of the image store');
  if (lock === undefined) return;
  try {
    for (const name of readdirSync(ctx.layout.tmp)) {
      rmSync(`${ctx.layout.tmp}/${name}`, { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
}
