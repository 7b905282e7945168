import type { Readable } from 'node:stream';
import type { Descriptor, ImageConfig, Manifest } from '../descriptor.js';
import type { Digest } from '../digest.js';

/**
 * One image in the store. Its ID is the digest of its config, as Docker's
 * image ID is; one manifest per image (the platform's, when pulled from an
 * index).
 */
export interface ImageRecord {
  /** The config's digest: Docker's image ID. */
  id: Digest;
  /** The manifest's descriptor (its blob is in the store). */
  manifest: Descriptor;
  /** Full names (`docker.io/library/busybox:latest`) pointing at this image; empty for a dangling one. */
  names: string[];
  /** `docker.io/library/busybox@sha256:...`: the registry digests it was pulled by. */
  repoDigests: string[];
  config: ImageConfig;
  /** The manifest's layers, lowest first, as stored (compressed). */
  layers: Descriptor[];
  /** The uncompressed digests of the layers, lowest first (config rootfs.diff_ids). */
  diffIds: Digest[];
  /** Sum of the stored blob sizes of manifest, config and layers. */
  size: number;
  /**
   * The uncompressed size of each layer, lowest first; null where not known
   * yet (a compressed layer not unpacked). Absent in records of older stores.
   * `imageSize` sums them as Docker's SIZE.
   */
  diffSizes?: (number | null)[];
  /** When the store first held it (RFC 3339). */
  added: string;
}

/**
 * Streaming write of one blob, verified against its descriptor. Bytes are
 * written to the store's ingest area; `commit` checks size and sha256 (of
 * everything, including bytes a resumed write found on disk) and renames the
 * blob into place. An interrupted write (the process killed, `abort`) keeps
 * its bytes, so a later `ingest` of the same digest resumes at `offset`
 * (until a prune, which removes every interrupted write).
 */
export interface BlobWriter {
  /** Bytes already on disk from an earlier, interrupted write: ask the source for the rest (HTTP Range). */
  readonly offset: number;
  /** The next bytes: a chunk, or chunks written as one (a writev, nothing copied). */
  write(chunk: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Verify and store; a digest or size mismatch removes the partial bytes and throws EIMAGE_DIGEST/EIMAGE_SIZE. */
  commit(): Promise<Descriptor>;
  /** Stop, keeping the bytes written for a later resume (`discard: true` drops them). */
  abort(options?: { discard?: boolean }): Promise<void>;
}

/** A held lease of the store's content (`ImageStore.lease`); `release()` is idempotent. */
export interface StoreLease {
  release(): void;
}

/** What `ensureLayers` reports while it unpacks. */
export interface UnpackProgress {
  layer: Descriptor;
  /** Compressed bytes read so far, and in all. */
  read: number;
  total: number;
  done: boolean;
}

/**
 * The content-addressed store under a data root (default /var/lib/gocontainer):
 *
 *   blobs/sha256/<hex>    verified blobs, read-only
 *   ingest/<hex>          interrupted and in-progress blob writes (resumable)
 *   layers/<hex>/diff/    one unpacked layer per diff ID, in overlayfs's format
 *   layers/<hex>/link     its short name: l/<name> links to the diff (overlayfs gets these paths)
 *   images.json           the index: images by ID, with their names
 *   containers/<id>       what each container holds (image ID and layers), so rmi and prune leave them alone
 *   locks/                the content and index locks, one lock per blob write and per layer unpack
 *   tmp/                  temp files and directories, on the same filesystem for rename
 *
 * Safe under concurrent use by several processes: every write is temp +
 * rename, the index is read-modify-written under an exclusive lock, writers
 * (pull, load, run) hold a shared lock on the store's content while prune and
 * rmi take it exclusively to remove anything, so a crash leaves no half image
 * and nothing in use is removed.
 */
export interface ImageStore {
  readonly root: string;

  hasBlob(digest: Digest): boolean;
  /** The blob's path (for streaming it out: save, unpack). */
  blobPath(digest: Digest): string;
  /** A small blob's bytes (manifests, configs): EIMAGE_NOT_FOUND when absent. */
  readBlob(digest: Digest): Buffer;
  /** Store a small blob, checking it against `expected` when given; returns its descriptor's digest and size. */
  putBlob(data: Uint8Array, expected?: { digest: Digest; size: number }): Promise<{ digest: Digest; size: number }>;
  /**
   * Store a blob from a stream (a layer inside an archive), computing its
   * digest as it is written and checking it against `expected` when given.
   */
  putBlobStream(
    input: AsyncIterable<Uint8Array>,
    expected?: { digest: Digest; size: number },
  ): Promise<{ digest: Digest; size: number }>;
  /**
   * Begin a streaming write of `expected`. Resolves to undefined when the blob
   * is (or, after waiting for another writer of the same digest, became)
   * present already. `unpackAs`: the blob is layer `index` of an image
   * whose config gives it `diffId`: unpack it while it is written (when the
   * write starts at offset 0), to put in place once the blob verifies; an
   * unpack that fails leaves the layer for `ensureLayers`, which reports.
   */
  ingest(
    expected: { digest: Digest; size: number; mediaType?: string },
    options?: { unpackAs?: { diffId: Digest; index: number } },
  ): Promise<BlobWriter | undefined>;
  /**
   * Hold the store's content lock (shared) across several writes until
   * `release`: a pull or load takes one from its first blob to its addImage,
   * so that no prune or rmi removes a blob it stored but has not added yet;
   * once it is released (or its process killed), prune removes at once what
   * was stored meanwhile and no image references. (Without one, prune leaves
   * unreferenced blobs alone for a while.) Do not
   * call removeImage or prune while holding one: they wait for every lease.
   */
  lease(what?: string): Promise<StoreLease>;

  /**
   * Record the image whose manifest blob (and its config blob, and every layer
   * blob) is in the store, and point `names` (full references) at it; a name
   * that pointed at another image moves. Validates manifest and config.
   * `diffSizes`: the uncompressed sizes of layers (by diff ID) the caller
   * knows; what is unpacked later is recorded then.
   */
  addImage(
    manifest: Descriptor,
    options?: { names?: string[]; repoDigests?: string[]; diffSizes?: ReadonlyMap<Digest, number> },
  ): Promise<ImageRecord>;
  /**
   * An image by name, short (`busybox`) or full, by ID or unique ID prefix
   * (with or without `sha256:`), or by `name@digest`; undefined when none.
   * An ambiguous prefix throws EIMAGE_AMBIGUOUS naming the candidates, a
   * text that is no name EIMAGE_REFERENCE.
   */
  findImage(nameOrId: string): ImageRecord | undefined;
  listImages(): ImageRecord[];
  /** Point another name at an image. */
  tagImage(image: ImageRecord, name: string): Promise<ImageRecord>;
  /**
   * `rmi`: remove a name (when given a name that is one of several) or the image
   * with its unused blobs and layers. Refused (EIMAGE_IN_USE) while a
   * container holds it, unless `force`, which removes the names and record
   * but keeps what containers hold until they release it.
   */
  removeImage(nameOrId: string, options?: { force?: boolean }): Promise<{ untagged: string[]; deleted: Digest[] }>;
  /**
   * `image prune`: dangling images (neither name nor repo digest; `all`:
   * every image no container holds), then unreferenced blobs, layers and
   * interrupted ingests.
   */
  prune(options?: { all?: boolean }): Promise<{ deleted: Digest[]; reclaimed: number }>;

  /** A manifest blob of the store, parsed and validated (EIMAGE_INVALID naming the field). */
  readManifest(digest: Digest): Promise<Manifest>;

  /**
   * Unpack every layer of the image not unpacked yet (each once, concurrent
   * callers wait for one another) and return the layer directories,
   * top-most first: overlayfs's lowerdir order. A layer whose unpacked
   * digest is not its diff ID is EIMAGE_DIFFID, and leaves nothing. Call
   * `retain` first, so that no `prune --all` removes the layers meanwhile.
   */
  ensureLayers(image: ImageRecord, onProgress?: (progress: UnpackProgress) => void): Promise<string[]>;
  /**
   * The image's layer directories as `ensureLayers` gives them (top-most
   * first), when every one is unpacked already; undefined when one is not.
   * Unpacks nothing (`explain`, which must make nothing).
   */
  unpackedLayers(image: ImageRecord): string[] | undefined;
  /**
   * A container now holds `image` (its layers cannot be removed) until
   * `release`, or until its owner is gone: this process, with `runDir` the
   * container's run directory (in /run), whose sweep releases the hold if
   * this process is killed. A hold of another boot, or whose process and run
   * directory are both gone, is dropped by removeImage and prune.
   */
  retain(containerId: string, image: ImageRecord, options?: { runDir?: string }): Promise<void>;
  release(containerId: string): Promise<void>;
  /** A stream of a blob's bytes. */
  openBlob(digest: Digest): Readable;
}
