// @gc/image: container images. A content-addressed store under a data root,
// import and export of archives, registry pull, and layers unpacked once each
// into directories that overlayfs stacks into a container's root.

export type { ArchiveInput } from './archive/archive-entries.js';
export { EIMAGE_ARCHIVE } from './archive/archive-error.js';
export { type ImportLayoutOptions, importOciLayout } from './archive/import-oci-layout.js';
export { type ImportRootfsOptions, importRootfs } from './archive/import-rootfs.js';
export { type LoadedImage, type LoadOptions, loadArchive } from './archive/load-archive.js';
export { type SaveOptions, saveImages } from './archive/save-images.js';
export type { Descriptor, ImageConfig, ImageIndex, Manifest, Platform } from './descriptor.js';
export { type Digest, digestOf, isDigest, parseDigest } from './digest.js';
export { type ReadLayerFileOptions, readLayerFile } from './layer-file.js';
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
export { defaultCredentialFiles, type RegistryCredentials } from './registry/credentials-file.js';
export { type LoginOptions, login, logout } from './registry/login.js';
export { formatPlatform, hostPlatform, type PlatformSpec, parsePlatform } from './registry/platform.js';
export { type PullOptions, pullImage } from './registry/pull-image.js';
export type { PullProgress, PullStatus } from './registry/pull-progress.js';
export {
  createImageStore,
  DEFAULT_IMAGE_ROOT,
  type ImageStoreOptions,
} from './store/create-image-store.js';
export * from './store/errors.js';
export type { BlobWriter, ImageRecord, ImageStore, StoreLease, UnpackProgress } from './store/image-store.js';
export { imageSize } from './store/layer-sizes.js';
export type { UnpackFunction } from './store/store-context.js';
export { type UnpackedLayer, type UnpackLayerOptions, unpackLayer } from './unpack/unpack-layer.js';
export { validateConfig } from './validate/validate-config.js';
export { validateIndex } from './validate/validate-index.js';
export { validateManifest } from './validate/validate-manifest.js';
