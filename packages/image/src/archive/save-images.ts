import { statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GcError } from '@gc/syscall';
import tar from 'tar-stream';
import type { Descriptor } from '../descriptor.js';
import { type Digest, digestHex } from '../digest.js';
import { familiarName, parseReference } from '../reference.js';
import { showName } from '../store/find-image.js';
import type { ImageRecord, ImageStore } from '../store/image-store.js';
import { EIMAGE_ARCHIVE } from './archive-error.js';
import { CONTAINERD_NAME, REF_NAME } from './image-names.js';

export interface SaveOptions {
  /**
   * `docker`: docker save's format (manifest.json, repositories), which is
   * also an OCI layout as Docker 25 writes it, so docker load, podman load
   * and OCI tools all read it. `oci`: an OCI archive (skopeo's oci-archive).
   */
  format: 'docker' | 'oci';
}

const MTIME = new Date(0);

/**
 * `docker save -o`: stream the images (with the names their records carry)
 * as a tar to `output`, a writable or a path (written to a temp file and
 * renamed, so a failed save leaves no partial archive). A blob shared by
 * several images is written once.
 */
export async function saveImages(
  store: ImageStore,
  images: ImageRecord[],
  output: string | Writable,
  options: SaveOptions,
): Promise<void> {
  if (options.format !== 'docker' && options.format !== 'oci') {
    throw new GcError(EIMAGE_ARCHIVE, `format: ${JSON.stringify(options.format)}, expected "docker" or "oci"`);
  }
  // So that no rmi or prune removes a blob while it is being written out.
  const lease = await store.lease('save');
  try {
    for (const image of images) checkBlobs(store, image);
    if (typeof output !== 'string') {
      await writeArchive(store, images, output, options);
      return;
    }
    const temp = join(dirname(output), `.${basename(output)}.${process.pid}.tmp`);
    // Opened before anything can fail, so the removal below always finds what was made.
    const file = await open(temp, 'wx');
    try {
      await writeArchive(store, images, file.createWriteStream(), options);
      await rename(temp, output);
    } catch (error) {
      await file.close().catch(() => {});
      await rm(temp, { force: true });
      throw error;
    }
  } finally {
    lease.release();
  }
}

async function writeArchive(
  store: ImageStore,
  images: ImageRecord[],
  output: Writable,
  options: SaveOptions,
): Promise<void> {
  const pack = tar.pack();
  const writing = pipeline(pack, output);
  // A failed write ends the pipeline early: surface that, not a stuck entry.
  let failed: unknown;
  writing.catch((error: unknown) => {
    failed = error;
  });
  try {
    await addEntry(pack, { name: 'blobs/', type: 'directory', mode: 0o755, mtime: MTIME });
    await addEntry(pack, { name: 'blobs/sha256/', type: 'directory', mode: 0o755, mtime: MTIME });
    const written = new Set<Digest>();
    const blob = async (descriptor: { digest: Digest; size: number }, where: string) => {
      if (written.has(descriptor.digest)) return;
      written.add(descriptor.digest);
      // Opened before its entry begins: a blob gone since checkBlobs fails without a half entry.
      const content = store.openBlob(descriptor.digest);
      const entry = pack.entry({ name: blobName(descriptor.digest), size: descriptor.size, mode: 0o444, mtime: MTIME });
      try {
        await pipeline(content, entry);
      } catch (error) {
        if (failed !== undefined) throw failed;
        const why =
          (error as Error).message === 'Size mismatch'
            ? `not the ${descriptor.size} bytes its descriptor says`
            : (error as Error).message;
        throw new GcError(EIMAGE_ARCHIVE, `${where}: blob ${descriptor.digest} in the store: ${why}`, {
          cause: error,
        });
      }
      if (failed !== undefined) throw failed;
    };
    const index: Descriptor[] = [];
    const dockerManifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    for (const image of images) {
      const shown = image.names[0] !== undefined ? showName(image.names[0]) : image.id;
      await blob({ digest: image.id, size: statSync(store.blobPath(image.id)).size }, `${shown}: config`);
      for (const [i, layer] of image.layers.entries()) await blob(layer, `${shown}: layers[${i}]`);
      await blob(image.manifest, `${shown}: manifest`);
      const manifest: Descriptor = {
        mediaType: image.manifest.mediaType,
        digest: image.manifest.digest,
        size: image.manifest.size,
        platform: {
          os: image.config.os,
          architecture: image.config.architecture,
          ...(image.config.variant !== undefined ? { variant: image.config.variant } : {}),
        },
      };
      if (image.names.length === 0) index.push(manifest);
      for (const name of image.names) {
        const ref = parseReference(name);
        const annotations: Record<string, string> =
          options.format === 'oci'
            ? { [REF_NAME]: name }
            : { [CONTAINERD_NAME]: name, ...(ref.tag !== undefined ? { [REF_NAME]: ref.tag } : {}) };
        index.push({ ...manifest, annotations });
      }
      if (options.format === 'docker') {
        const tags = image.names
          .filter((name) => parseReference(name).tag !== undefined)
          .map((name) => familiarName(parseReference(name)));
        dockerManifest.push({
          Config: blobName(image.id),
          RepoTags: tags.length > 0 ? tags : null,
          Layers: image.layers.map((layer) => blobName(layer.digest)),
        });
        // As Docker writes it: the top layer's diff ID (the legacy format's layer directory).
        const top = image.diffIds.at(-1);
        for (const name of tags) {
          const colon = name.lastIndexOf(':');
          const repository = name.slice(0, colon);
          const tagsOf = repositories[repository] ?? {};
          tagsOf[name.slice(colon + 1)] = digestHex(top ?? image.id);
          repositories[repository] = tagsOf;
        }
      }
    }
    await addFile(pack, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await addFile(
      pack,
      'index.json',
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index }),
    );
    if (options.format === 'docker') {
      await addFile(pack, 'manifest.json', JSON.stringify(dockerManifest));
      if (Object.keys(repositories).length > 0) await addFile(pack, 'repositories', JSON.stringify(repositories));
    }
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    await writing.catch(() => {});
    throw error;
  }
  await writing;
}

/** Every blob of `image` is in the store, so a save does not stop half-way through for a missing one. */
function checkBlobs(store: ImageStore, image: ImageRecord): void {
  const shown = image.names[0] !== undefined ? showName(image.names[0]) : image.id;
  const blobs: [string, Digest][] = [
    ['manifest', image.manifest.digest],
    ['config', image.id],
    ...image.layers.map((layer, i): [string, Digest] => [`layers[${i}]`, layer.digest]),
  ];
  for (const [field, digest] of blobs) {
    if (!store.hasBlob(digest)) {
      throw new GcError(
        EIMAGE_ARCHIVE,
        `${shown}: ${field}: blob ${digest} is not in the store (run pull or load again)`,
      );
    }
  }
}

function blobName(digest: Digest): string {
  return `blobs/sha256/${digestHex(digest)}`;
}

function addEntry(pack: tar.Pack, header: tar.Headers, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, content ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
  });
}

function addFile(pack: tar.Pack, name: string, text: string): Promise<void> {
  const content = Buffer.from(text);
  return addEntry(pack, { name, size: content.length, mode: 0o444, mtime: MTIME }, content);
}
