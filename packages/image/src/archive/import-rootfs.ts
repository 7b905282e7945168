import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { GcError } from '@gc/syscall';
import type { ImageConfig } from '../descriptor.js';
import type { Digest } from '../digest.js';
import type { Compression } from '../media-types.js';
import { formatReference, parseReference } from '../reference.js';
import { hostPlatform } from '../registry/platform.js';
import type { ImageRecord, ImageStore } from '../store/image-store.js';
import { sniffCompression } from '../unpack/decompress.js';
import { type ArchiveInput, archiveSource, SNIFF_BYTES } from './archive-entries.js';
import { EIMAGE_ARCHIVE } from './archive-error.js';
import { createDiffIdHasher } from './diff-id-hasher.js';
import { applyChanges } from './dockerfile-changes.js';
import { synthesizeManifest } from './synthesize-manifest.js';

export interface ImportRootfsOptions {
  /** The image's name (`docker import ROOTFS.tar NAME`); unnamed without. */
  name?: string;
  /** Dockerfile instructions applied to the config, as `docker import --change`. */
  changes?: readonly string[];
  /** The history entry's comment; `Imported from <file>` by default. */
  message?: string;
  /** Store an uncompressed tarball gzip'd (the default keeps the layer as given). */
  compress?: 'gzip';
  /** What errors call a stream input. */
  source?: string;
  /** The config's created time (default: now). */
  created?: Date;
}

/**
 * `docker import`: a one-layer image from a root filesystem tarball (plain,
 * gzip or zstd), its layer stored as given (or gzip'd), its diff ID hashed
 * from the uncompressed bytes as they flow, and a linux config for this
 * machine's architecture.
 */
export async function importRootfs(
  store: ImageStore,
  input: ArchiveInput,
  options: ImportRootfsOptions = {},
): Promise<ImageRecord> {
  const source = archiveSource(input, options.source);
  const name = options.name !== undefined ? formatReference(parseReference(options.name, 'name')) : undefined;
  const created = (options.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const runConfig = applyChanges({}, options.changes ?? []);
  const lease = await store.lease(`import ${source}`);
  try {
    return await importLayer(store, input, source, name, created, runConfig, options);
  } finally {
    lease.release();
  }
}

async function importLayer(
  store: ImageStore,
  input: ArchiveInput,
  source: string,
  name: string | undefined,
  created: string,
  runConfig: NonNullable<ImageConfig['config']>,
  options: ImportRootfsOptions,
): Promise<ImageRecord> {
  const stream = typeof input === 'string' ? createReadStream(input) : Readable.from(input);

  let given: Compression = 'none';
  const hasher = createDiffIdHasher();
  async function* sniffed(): AsyncGenerator<Buffer> {
    let head = Buffer.alloc(0);
    let pending: Buffer[] | undefined = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (pending !== undefined) {
        pending.push(chunk);
        head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
        if (head.length < SNIFF_BYTES) continue;
        given = sniffCompression(head);
        for (const held of pending) {
          await hasher.write(held);
          yield held;
        }
        pending = undefined;
        continue;
      }
      await hasher.write(chunk);
      yield chunk;
    }
    for (const held of pending ?? []) {
      await hasher.write(held);
      yield held;
    }
  }

  let layer: { digest: Digest; size: number };
  let compression: Compression;
  try {
    if (options.compress === 'gzip') {
      const reading = sniffed();
      const first = await reading.next();
      if (given !== 'none') {
        // Already compressed: stored as given.
        layer = await store.putBlobStream(prepend(first, reading));
        compression = given;
      } else {
        const gzip = createGzip();
        // pipeline, not pipe: a read error of the input must fail the gzip stream the store reads.
        const gzipping = pipeline(Readable.from(prepend(first, reading)), gzip);
        gzipping.catch(() => {});
        layer = await store.putBlobStream(gzip);
        await gzipping;
        compression = 'gzip';
      }
    } else {
      layer = await store.putBlobStream(sniffed());
      compression = given;
    }
  } catch (error) {
    stream.destroy();
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof input === 'string' && code === 'ENOENT') {
      throw new GcError(EIMAGE_ARCHIVE, `${source}: cannot read ${input}: ${code}`, { cause: error });
    }
    if (GcError.isInstance(error)) throw error;
    throw new GcError(
      EIMAGE_ARCHIVE,
      `${source}: not a readable ${given === 'none' ? '' : `${given} `}tarball: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let tar: Awaited<ReturnType<typeof hasher.end>>;
  try {
    tar = await hasher.end();
  } catch (error) {
    throw new GcError(
      EIMAGE_ARCHIVE,
      `${source}: not a readable ${given === 'none' ? '' : `${given} `}tarball: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (tar.head.length < 512 || tar.head.subarray(257, 262).toString('latin1') !== 'ustar') {
    throw new GcError(
      EIMAGE_ARCHIVE,
      `${source}: not a tar archive (no ustar header at its start${given !== 'none' ? ` once ${given}-decompressed` : ''})`,
    );
  }

  const platform = hostPlatform();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    config: runConfig,
    rootfs: { type: 'layers', diff_ids: [tar.diffId] },
    history: [{ created, comment: options.message ?? `Imported from ${source}` }],
  };
  const configBlob = await store.putBlob(Buffer.from(JSON.stringify(config)));
  const manifest = await synthesizeManifest(store, configBlob, [{ ...layer, compression }]);
  return store.addImage(manifest, {
    names: name !== undefined ? [name] : [],
    diffSizes: new Map([[tar.diffId, tar.size]]),
  });
}

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  if (first.done !== true) yield first.value;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}
