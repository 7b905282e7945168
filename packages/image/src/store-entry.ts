// @gc/image/store: the image store and what reading it takes (names, digests,
// a file of the layers), without the registry, the archives or the unpacker:
// `gocontainer run IMAGE` of an image in the store loads only this. The
// store's writers and the unpacker are imported when first called
// (createImageStore); pulls and archives come from `@gc/image`.

export type { Descriptor, ImageConfig, ImageIndex, Manifest, Platform } from './descriptor.js';
export { type Digest, isDigest, parseDigest } from './digest-text.js';
export { type ReadLayerFileOptions, readLayerFile } from './layer-file.js';
export {
  DEFAULT_REGISTRY,
  DEFAULT_TAG,
  familiarName,
  formatReference,
  parseReference,
  type Reference,
  registryEndpoint,
} from './reference.js';
export {
  createImageStore,
  DEFAULT_IMAGE_ROOT,
  type ImageStoreOptions,
} from './store/create-image-store.js';
export * from './store/errors.js';
export type { BlobWriter, ImageRecord, ImageStore, StoreLease, UnpackProgress } from './store/image-store.js';
export type { UnpackFunction } from './store/store-context.js';
