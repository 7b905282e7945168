import { readFileSync, statSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import type { Descriptor, ImageConfig, Manifest } from '../descriptor.js';
import { type Digest, digestOf } from '../digest.js';
import { validateConfig } from '../validate/validate-config.js';
import { validateManifest } from '../validate/validate-manifest.js';
import { checkExpected } from './check-expected.js';
import { EIMAGE_DIGEST, EIMAGE_INVALID, EIMAGE_NOT_FOUND, EIMAGE_SIZE } from './errors.js';
import { normaliseName, normaliseRepoDigest } from './find-image.js';
import { updateIndex } from './image-index.js';
import type { ImageRecord } from './image-store.js';
import { unpackedSize } from './layer-dirs.js';
import { knownDiffSizes } from './layer-sizes.js';
import { type StoreContext, withContent } from './store-context.js';

/**
 * `ImageStore.addImage`: under the content lock (shared), so that no prune
 * removes a blob between the check that it is present and the index's write.
 */
export async function addImage(
  ctx: StoreContext,
  manifestDescriptor: Descriptor,
  options: { names?: string[]; repoDigests?: string[]; diffSizes?: ReadonlyMap<Digest, number> } = {},
): Promise<ImageRecord> {
  checkExpected(manifestDescriptor, 'manifest');
  const names = (options.names ?? []).map((name, i) => normaliseName(name, `names[${i}]`));
  const repoDigests = (options.repoDigests ?? []).map((r, i) => normaliseRepoDigest(r, `repoDigests[${i}]`));
  return withContent(ctx, `add image ${manifestDescriptor.digest}`, async () => {
    const manifest = readManifest(ctx, manifestDescriptor);
    const config = readConfig(ctx, manifest);
    const fresh: ImageRecord = {
      id: manifest.config.digest,
      manifest: {
        mediaType: manifest.mediaType ?? manifestDescriptor.mediaType,
        digest: manifestDescriptor.digest,
        size: manifestDescriptor.size,
      },
      names: [],
      repoDigests: [],
      config,
      layers: manifest.layers,
      diffIds: config.rootfs.diff_ids,
      size: manifestDescriptor.size + manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0),
      added: new Date().toISOString(),
    };
    return updateIndex(ctx, `add image ${fresh.id}`, (images) => {
      const at = images.findIndex((i) => i.id === fresh.id);
      const old = images[at];
      // The same config again (another manifest of it, say compressed otherwise): the latest manifest wins.
      fresh.diffSizes = knownDiffSizes(fresh, images, options.diffSizes ?? new Map(), (d) => unpackedSize(ctx, d));
      const record =
        old === undefined ? fresh : { ...fresh, names: old.names, repoDigests: old.repoDigests, added: old.added };
      if (old === undefined) images.push(record);
      else images[at] = record;
      for (const name of names) pointName(images, record, name);
      for (const repoDigest of repoDigests)
        if (!record.repoDigests.includes(repoDigest)) record.repoDigests.push(repoDigest);
      return record;
    });
  });
}

/** Point `name` at `record`, taking it from whichever image had it (which may be left dangling). */
export function pointName(images: ImageRecord[], record: ImageRecord, name: string): void {
  for (const image of images) {
    if (image !== record) image.names = image.names.filter((n) => n !== name);
  }
  if (!record.names.includes(name)) record.names.push(name);
}

/** The manifest blob, parsed and validated (`ImageStore.readManifest` and addImage). */
export function readManifest(ctx: StoreContext, descriptor: { digest: Descriptor['digest']; size: number }): Manifest {
  const bytes = readPresent(ctx, descriptor, 'manifest');
  return validateManifest(parseJson(bytes, 'manifest', descriptor.digest));
}

function readConfig(ctx: StoreContext, manifest: Manifest): ImageConfig {
  const bytes = readPresent(ctx, manifest.config, 'manifest.config');
  const config = validateConfig(parseJson(bytes, 'config', manifest.config.digest));
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new GcError(
      EIMAGE_INVALID,
      `config.rootfs.diff_ids: ${config.rootfs.diff_ids.length} diff IDs for the manifest's ${manifest.layers.length} layers`,
    );
  }
  manifest.layers.forEach((layer, i) => {
    blobSize(ctx, layer, `manifest.layers[${i}]`);
  });
  return config;
}

/** A blob's bytes, present and of the descriptor's size; `field` names the descriptor in errors. */
function readPresent(
  ctx: StoreContext,
  descriptor: { digest: Descriptor['digest']; size: number },
  field: string,
): Buffer {
  blobSize(ctx, descriptor, field);
  // Verified when written; checked again as it is small, so a blob changed behind the store's back is caught.
  const data = readFileSync(ctx.layout.blob(descriptor.digest));
  if (digestOf(data) !== descriptor.digest) {
    throw new GcError(EIMAGE_DIGEST, `${field}: blob ${descriptor.digest} in the store holds other bytes`);
  }
  return data;
}

function blobSize(ctx: StoreContext, descriptor: { digest: Descriptor['digest']; size: number }, field: string): void {
  let size: number;
  try {
    size = statSync(ctx.layout.blob(descriptor.digest)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new GcError(EIMAGE_NOT_FOUND, `${field}: blob ${descriptor.digest} is not in the store: store it first`, {
      cause: e,
    });
  }
  if (size !== descriptor.size) {
    throw new GcError(
      EIMAGE_SIZE,
      `${field}: the descriptor says ${descriptor.size} bytes, blob ${descriptor.digest} has ${size}`,
    );
  }
}

function parseJson(bytes: Buffer, document: string, digest: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new GcError(EIMAGE_INVALID, `${document}: blob ${digest} is not JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
}
