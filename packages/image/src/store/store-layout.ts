import { join } from 'node:path';
import { type Digest, digestHex } from '../digest-text.js';

/**
 * The paths of the store under its root. Layers live at `layers/<hex>/diff`
 * and are handed to overlayfs by a short link, `l/<name>`, as Docker's
 * overlay2 driver does: a hundred `lowerdir` entries of full digests would
 * not fit the page of mount(2) data.
 */
export interface StoreLayout {
  root: string;
  blobs: string;
  ingestDir: string;
  layersDir: string;
  links: string;
  tmp: string;
  containers: string;
  locks: string;
  index: string;
  /** Taken shared by writers, exclusively by what removes content (rmi, prune). */
  contentLock: string;
  /** Taken exclusively for each read-modify-write of images.json. */
  indexLock: string;
  blob(digest: Digest): string;
  ingest(digest: Digest): string;
  layer(diffId: Digest): string;
  /** The lock of one digest's write or unpack. */
  lock(kind: 'blob' | 'layer', digest: Digest): string;
  container(id: string): string;
}

export function storeLayout(root: string): StoreLayout {
  const blobs = join(root, 'blobs', 'sha256');
  const ingestDir = join(root, 'ingest');
  const layersDir = join(root, 'layers');
  const locks = join(root, 'locks');
  const containers = join(root, 'containers');
  return {
    root,
    blobs,
    ingestDir,
    layersDir,
    links: join(root, 'l'),
    tmp: join(root, 'tmp'),
    containers,
    locks,
    index: join(root, 'images.json'),
    contentLock: join(locks, 'content'),
    indexLock: join(locks, 'index'),
    blob: (digest) => join(blobs, digestHex(digest)),
    ingest: (digest) => join(ingestDir, digestHex(digest)),
    layer: (diffId) => join(layersDir, digestHex(diffId)),
    lock: (kind, digest) => join(locks, `${kind}-${digestHex(digest)}`),
    container: (id) => join(containers, id),
  };
}
