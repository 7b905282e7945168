import type { Descriptor } from '../descriptor.js';
import type { ImageStore } from '../store/image-store.js';
import { METADATA_LIMIT } from './archive-entries.js';
import { fail, parseJson, type Where } from './json-fields.js';

/** Where an import's blobs come from: an archive already read into the store, or a layout directory. */
export interface BlobSource {
  readonly store: ImageStore;
  /** The source's name in errors. */
  readonly source: string;
  /** Make sure the blob `descriptor` names is in the store, checked against its digest and size. */
  require(descriptor: Descriptor, where: Where): Promise<void>;
}

/** A small blob (manifest, index, config) `descriptor` names, parsed, its size capped. */
export async function readJsonBlob(blobs: BlobSource, descriptor: Descriptor, where: Where): Promise<unknown> {
  if (descriptor.size > METADATA_LIMIT) {
    throw fail(where, `${descriptor.size} bytes, more than the ${METADATA_LIMIT} a manifest or config may have`);
  }
  await blobs.require(descriptor, where);
  return parseJson(blobs.store.readBlob(descriptor.digest), where);
}
