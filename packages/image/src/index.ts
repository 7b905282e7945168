// @gc/image: container images. A content-addressed store under a data root,
// import and export of archives, registry pull, and layers unpacked once each
// into directories that overlayfs stacks into a container's root.
// Everything of the store-only entry (@gc/image/store) is exported here too.

export type { ArchiveInput } from './archive/archive-entries.js';
export { EIMAGE_ARCHIVE } from './archive/archive-error.js';
export { type ImportLayoutOptions, importOciLayout } from './archive/import-oci-layout.js';
export { type ImportRootfsOptions, importRootfs } from './archive/import-rootfs.js';
export { type LoadedImage, type LoadOptions, loadArchive } from './archive/load-archive.js';
export { type SaveOptions, saveImages } from './archive/save-images.js';
export { digestOf } from './digest.js';
export * from './media-types.js';
export { defaultCredentialFiles, type RegistryCredentials } from './registry/credentials-file.js';
export { type LoginOptions, login, logout } from './registry/login.js';
export { formatPlatform, hostPlatform, type PlatformSpec, parsePlatform } from './registry/platform.js';
export { type PullOptions, pullImage } from './registry/pull-image.js';
export type { PullProgress, PullStatus } from './registry/pull-progress.js';
export { imageSize } from './store/layer-sizes.js';
export * from './store-entry.js';
export { type UnpackedLayer, type UnpackLayerOptions, unpackLayer } from './unpack/unpack-layer.js';
export { validateConfig } from './validate/validate-config.js';
export { validateIndex } from './validate/validate-index.js';
export { validateManifest } from './validate/validate-manifest.js';
