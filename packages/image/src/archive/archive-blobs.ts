import { digestHex } from '../digest.js';
import type { ImageStore } from '../store/image-store.js';
import { type ArchiveContents, resolveEntry } from './archive-entries.js';
import type { BlobSource } from './blob-source.js';
import { fail } from './json-fields.js';

/** Blobs of an archive already streamed into the store: a descriptor's blob must be the archive's `blobs/sha256/<hex>`. */
export function archiveBlobs(store: ImageStore, contents: ArchiveContents): BlobSource {
  return {
    store,
    source: contents.source,
    async require(descriptor, where) {
      const name = `blobs/sha256/${digestHex(descriptor.digest)}`;
      const entry = resolveEntry(contents, name);
      if (entry === undefined) throw fail(where, `${descriptor.digest} is not in the archive (no ${name})`);
      if (entry.digest !== descriptor.digest) {
        throw fail(where, `${name} holds ${entry.digest}, not ${descriptor.digest}`);
      }
      if (entry.size !== descriptor.size) {
        throw fail(where, `${name} has ${entry.size} bytes, the descriptor says ${descriptor.size}`);
      }
    },
  };
}
