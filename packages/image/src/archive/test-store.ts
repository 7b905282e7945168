// A plain filesystem ImageStore for the archive tests until the real store
// lands: blobs verified on write, images in memory. Not exported.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import type { Descriptor, ImageConfig, Manifest } from '../descriptor.js';
import { type Digest, digestHex, digestOf } from '../digest.js';
import { formatReference, parseReference } from '../reference.js';
import type { ImageRecord, ImageStore } from '../store/image-store.js';

export function createTestStore(root: string): ImageStore {
  mkdirSync(join(root, 'blobs/sha256'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const images = new Map<Digest, ImageRecord>();
  const blobPath = (digest: Digest) => join(root, 'blobs/sha256', digestHex(digest));
  const check = (digest: Digest, size: number, expected?: { digest: Digest; size: number }) => {
    if (expected === undefined) return;
    if (expected.size !== size)
      throw new GcError('EIMAGE_SIZE', `blob ${expected.digest}: ${size} bytes, expected ${expected.size}`);
    if (expected.digest !== digest) throw new GcError('EIMAGE_DIGEST', `blob ${expected.digest}: got ${digest}`);
  };
  const store: ImageStore = {
    root,
    hasBlob: (digest) => existsSync(blobPath(digest)),
    blobPath,
    readBlob(digest) {
      if (!existsSync(blobPath(digest))) throw new GcError('EIMAGE_NOT_FOUND', `blob ${digest}: not in the store`);
      return readFileSync(blobPath(digest));
    },
    async putBlob(data, expected) {
      return store.putBlobStream(
        (async function* () {
          yield data;
        })(),
        expected,
      );
    },
    async putBlobStream(input: AsyncIterable<Uint8Array>, expected?: { digest: Digest; size: number }) {
      const temp = join(root, 'tmp', randomUUID());
      const file = await open(temp, 'wx');
      const hash = createHash('sha256');
      let size = 0;
      try {
        for await (const chunk of input) {
          hash.update(chunk);
          size += chunk.length;
          await file.write(chunk);
        }
        await file.close();
        const digest: Digest = `sha256:${hash.digest('hex')}`;
        check(digest, size, expected);
        renameSync(temp, blobPath(digest));
        return { digest, size };
      } catch (error) {
        await file.close().catch(() => {});
        rmSync(temp, { force: true });
        throw error;
      }
    },
    async ingest() {
      throw new Error('test store: ingest is not used by archives');
    },
    async addImage(manifest, options = {}) {
      const body = JSON.parse(store.readBlob(manifest.digest).toString()) as Manifest;
      const config = JSON.parse(store.readBlob(body.config.digest).toString()) as ImageConfig;
      for (const layer of body.layers)
        if (!store.hasBlob(layer.digest)) throw new Error(`missing layer ${layer.digest}`);
      if (digestOf(store.readBlob(manifest.digest)) !== manifest.digest) throw new Error('manifest digest');
      const names = (options.names ?? []).map((name) => formatReference(parseReference(name)));
      for (const other of images.values()) other.names = other.names.filter((name) => !names.includes(name));
      const previous = images.get(body.config.digest);
      const record: ImageRecord = {
        id: body.config.digest,
        manifest,
        names: [...new Set([...(previous?.names ?? []), ...names])],
        repoDigests: [],
        config,
        layers: body.layers,
        diffIds: config.rootfs.diff_ids,
        size: manifest.size + body.config.size + body.layers.reduce((sum, layer) => sum + layer.size, 0),
        added: new Date().toISOString(),
      };
      images.set(record.id, record);
      return record;
    },
    findImage(nameOrId) {
      const byId = [...images.values()].find(
        (image) => image.id === nameOrId || digestHex(image.id).startsWith(nameOrId),
      );
      if (byId !== undefined) return byId;
      let full: string;
      try {
        full = formatReference(parseReference(nameOrId));
      } catch {
        return undefined;
      }
      return [...images.values()].find((image) => image.names.includes(full));
    },
    listImages: () => [...images.values()],
    async tagImage() {
      throw new Error('test store: tagImage is not used by archives');
    },
    async removeImage() {
      throw new Error('test store: removeImage is not used by archives');
    },
    async prune() {
      throw new Error('test store: prune is not used by archives');
    },
    readManifest(digest) {
      return JSON.parse(store.readBlob(digest).toString()) as Manifest;
    },
    async ensureLayers() {
      throw new Error('test store: ensureLayers needs the real store');
    },
    async retain() {},
    async release() {},
    openBlob: (digest) => createReadStream(blobPath(digest)),
  };
  return store;
}

export function blobSize(store: ImageStore, descriptor: Descriptor): number {
  return statSync(store.blobPath(descriptor.digest)).size;
}
