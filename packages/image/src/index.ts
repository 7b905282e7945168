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
export { defaultCredentialFiles, type RegistryCredentials } from './registry/credentials-file.js';
export { type LoginOptions, login, logout } from './registry/login.js';
export { formatPlatform, hostPlatform, type PlatformSpec, parsePlatform } from './registry/platform.js';
export { type PullOptions, pullImage } from './registry/pull-image.js';
export type { PullProgress, PullStatus } from './registry/pull-progress.js';
export type { BlobWriter, ImageRecord, ImageStore, UnpackProgress } from './store/image-store.js';
