import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GcError } from '@gc/syscall';
import { digestHex } from '../digest.js';
import type { ImageStore } from '../store/image-store.js';
import { METADATA_LIMIT } from './archive-entries.js';
import { EIMAGE_ARCHIVE } from './archive-error.js';
import type { BlobSource } from './blob-source.js';
import { repositoryOf } from './image-names.js';
import { fail, parseJson, type Where } from './json-fields.js';
import { addPlans, checkLayoutVersion, type LoadedImage } from './load-archive.js';
import { planOciIndex } from './oci-index.js';

export interface ImportLayoutOptions {
  /** Only the index entries whose `org.opencontainers.image.ref.name` is this (skopeo's `oci:DIR:REF`). */
  ref?: string;
  /** The repository (`localhost/busybox`) for ref.names that are only a tag. */
  name?: string;
}

/**
 * Import an OCI image layout directory: the images index.json names (or the
 * one `ref` selects), each blob they reference copied into the store and
 * checked against its descriptor.
 */
export async function importOciLayout(
  store: ImageStore,
  dir: string,
  options: ImportLayoutOptions = {},
): Promise<LoadedImage[]> {
  const repository = options.name !== undefined ? repositoryOf(options.name) : undefined;
  const source = basename(dir);
  checkLayoutVersion(await readSmallFile(dir, 'oci-layout', source), { source, field: 'oci-layout' });
  const indexWhere: Where = { source, field: 'index.json' };
  const index = parseJson(await readSmallFile(dir, 'index.json', source), indexWhere);
  const lease = await store.lease(`import ${source}`);
  try {
    const plans = await planOciIndex(layoutBlobs(store, dir, source), index, indexWhere, {
      ...(repository !== undefined ? { repository } : {}),
      ...(options.ref !== undefined ? { ref: options.ref } : {}),
    });
    return await addPlans(store, plans);
  } finally {
    lease.release();
  }
}

async function readSmallFile(dir: string, name: string, source: string): Promise<Buffer> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(join(dir, name), 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new GcError(EIMAGE_ARCHIVE, `${source}: ${name}: cannot open ${join(dir, name)}: ${code}`, {
      cause: error,
    });
  }
  try {
    const { size } = await file.stat();
    if (size > METADATA_LIMIT) {
      throw fail({ source, field: name }, `${size} bytes, more than the ${METADATA_LIMIT} a metadata file may have`);
    }
    return await file.readFile();
  } finally {
    await file.close();
  }
}

/** Blobs copied from `dir/blobs/sha256/<hex>`, verified as they are written to the store. */
function layoutBlobs(store: ImageStore, dir: string, source: string): BlobSource {
  return {
    store,
    source,
    async require(descriptor, where) {
      const name = `blobs/sha256/${digestHex(descriptor.digest)}`;
      const path = join(dir, name);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (error) {
        throw fail(
          where,
          `${descriptor.digest} is not in the layout (no ${name}: ${(error as NodeJS.ErrnoException).code})`,
        );
      }
      if (size !== descriptor.size)
        throw fail(where, `${name} has ${size} bytes, the descriptor says ${descriptor.size}`);
      if (store.hasBlob(descriptor.digest)) return;
      try {
        await store.putBlobStream(createReadStream(path), { digest: descriptor.digest, size: descriptor.size });
      } catch (error) {
        if (GcError.isInstance(error) && /^EIMAGE_(DIGEST|SIZE)$/.test(error.code)) {
          throw fail(where, `${name}: its content does not match its name`);
        }
        throw error;
      }
    },
  };
}
