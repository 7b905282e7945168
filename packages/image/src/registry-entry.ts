// @gc/image/registry: pulls and registry logins, with the store they write
// into (everything of @gc/image/store), and without the archives: a program
// that only pulls loads no tar code, and the unpacker only when a pull
// unpacks (createImageStore imports it on first use).

export { defaultCredentialFiles, type RegistryCredentials } from './registry/credentials-file.js';
export { type LoginOptions, login, logout } from './registry/login.js';
export { formatPlatform, hostPlatform, type PlatformSpec, parsePlatform } from './registry/platform.js';
export { type PullOptions, pullImage } from './registry/pull-image.js';
export type { PullProgress, PullStatus } from './registry/pull-progress.js';
export * from './store-entry.js';
