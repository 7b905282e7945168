// @gc/image: container images. A content-addressed store under a data root,
// import and export of archives, registry pull, and layers unpacked once each
// into directories that overlayfs stacks into a container's root.
export type { Descriptor, ImageConfig, ImageIndex, Manifest, Platform } from './descriptor.js';
export { type Digest, digestOf, isDigest, parseDigest } from './digest.js';
export * from './media-types.js';
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
export { type UnpackedLayer, type UnpackLayerOptions, unpackLayer } from './unpack/unpack-layer.js';
export { validateConfig } from './validate/validate-config.js';
export { validateIndex } from './validate/validate-index.js';
export { validateManifest } from './validate/validate-manifest.js';
