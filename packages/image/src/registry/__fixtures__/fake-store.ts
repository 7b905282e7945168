// A stand-in for the image store in the pull tests, on a temp dir in the
// real store's layout (blobs/sha256/<hex>, ingest/<hex>): verified commits,
// resumable ingests, one writer per digest. Only what a pull calls.
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import type { Descriptor, ImageConfig, Manifest } from '../../descriptor.js';
import { type Digest, digestHex, digestOf } from '../../digest.js';
import type { BlobWriter, ImageRecord, ImageStore } from '../../store/image-store.js';

export interface FakeStore extends ImageStore {
  /** The layer lists ensureLayers was asked to unpack. */
  unpacked: Digest[][];
}

export function createFakeStore(root: string): FakeStore {
  mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
  mkdirSync(join(root, 'ingest'), { recursive: true });
  const writing = new Map<Digest, Promise<void>>();
  const images: ImageRecord[] = [];
  const blobPath = (digest: Digest) => join(root, 'blobs', 'sha256', digestHex(digest));
  const check = (data: Uint8Array, expected?: { digest: Digest; size: number }) => {
    const digest = digestOf(data);
    if (expected !== undefined && expected.size !== data.length) throw new GcError('EIMAGE_SIZE', 'size mismatch');
    if (expected !== undefined && expected.digest !== digest) throw new GcError('EIMAGE_DIGEST', 'digest mismatch');
    return { digest, size: data.length };
  };
  const unsupported = (): never => {
    throw new Error('not part of the fake store');
  };
  const store: FakeStore = {
    root,
    unpacked: [],
    hasBlob: (digest) => existsSync(blobPath(digest)),
    blobPath,
    readBlob: (digest) => readFileSync(blobPath(digest)),
    async putBlob(data, expected) {
      const result = check(data, expected);
      writeFileSync(`${blobPath(result.digest)}.tmp`, data);
      renameSync(`${blobPath(result.digest)}.tmp`, blobPath(result.digest));
      return result;
    },
    putBlobStream: unsupported,
    async ingest(expected) {
      while (writing.has(expected.digest)) await writing.get(expected.digest);
      if (existsSync(blobPath(expected.digest))) return undefined;
      const partial = join(root, 'ingest', digestHex(expected.digest));
      let release = () => {};
      writing.set(
        expected.digest,
        new Promise<void>((resolve) => {
          release = () => {
            writing.delete(expected.digest);
            resolve();
          };
        }),
      );
      const writer: BlobWriter = {
        offset: existsSync(partial) ? statSync(partial).size : 0,
        async write(chunk) {
          appendFileSync(partial, chunk);
        },
        async commit() {
          try {
            const data = existsSync(partial) ? readFileSync(partial) : Buffer.alloc(0);
            const hash = createHash('sha256').update(data).digest('hex');
            if (data.length !== expected.size || `sha256:${hash}` !== expected.digest) {
              rmSync(partial, { force: true });
              throw new GcError(
                data.length !== expected.size ? 'EIMAGE_SIZE' : 'EIMAGE_DIGEST',
                `blob ${expected.digest} does not verify`,
              );
            }
            renameSync(partial, blobPath(expected.digest));
            return { mediaType: expected.mediaType ?? '', digest: expected.digest, size: expected.size };
          } finally {
            release();
          }
        },
        async abort(options) {
          if (options?.discard === true) rmSync(partial, { force: true });
          release();
        },
      };
      return writer;
    },
    async addImage(manifest: Descriptor, options = {}) {
      const parsed = JSON.parse(readFileSync(blobPath(manifest.digest), 'utf8')) as Manifest;
      for (const layer of parsed.layers) {
        if (!existsSync(blobPath(layer.digest))) throw new GcError('EIMAGE_NOT_FOUND', `layer ${layer.digest} missing`);
      }
      const config = JSON.parse(readFileSync(blobPath(parsed.config.digest), 'utf8')) as ImageConfig;
      const record: ImageRecord = {
        id: parsed.config.digest,
        manifest,
        names: options.names ?? [],
        repoDigests: options.repoDigests ?? [],
        config,
        layers: parsed.layers,
        diffIds: config.rootfs.diff_ids,
        size: manifest.size + parsed.config.size + parsed.layers.reduce((sum, layer) => sum + layer.size, 0),
        added: new Date().toISOString(),
      };
      images.push(record);
      return record;
    },
    findImage: (name) => [...images].reverse().find((image) => image.names.includes(name) || image.id === name),
    listImages: () => [...images],
    tagImage: unsupported,
    removeImage: unsupported,
    prune: unsupported,
    readManifest: (digest) => JSON.parse(readFileSync(blobPath(digest), 'utf8')) as Manifest,
    async ensureLayers(image, onProgress) {
      store.unpacked.push(image.diffIds);
      for (const layer of image.layers) onProgress?.({ layer, read: layer.size, total: layer.size, done: true });
      return [];
    },
    retain: unsupported,
    release: unsupported,
    openBlob: unsupported,
  };
  return store;
}
