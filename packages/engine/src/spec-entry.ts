// @gc/engine/spec: `docker run`'s flags and an image config as an OCI spec, without the store, monitor or operations.
export type { NetworkMode } from './spec/docker-defaults.js';
export { DEFAULT_PATH, dockerFilesystem, dockerNamespaces } from './spec/docker-defaults.js';
export type { DeviceOptions, Devices, HostNode } from './spec/docker-devices.js';
export { dockerDevices } from './spec/docker-devices.js';
export type { EtcFilesOptions, HostEtcFiles } from './spec/docker-etc-files.js';
export { writeDockerEtcFiles } from './spec/docker-etc-files.js';
export type { Security, SecurityOptions } from './spec/docker-security.js';
export { dockerSecurity, dockerUlimits, dockerUser, hardenDockerProfile } from './spec/docker-security.js';
export { dockerSysctls } from './spec/docker-sysctls.js';
export { dockerVolume } from './spec/docker-volume.js';
export { blameRunFlag } from './spec/flag-errors.js';
export type { ImageRunConfig, PullPolicy, RunImage } from './spec/image-config.js';
export { pullPolicy } from './spec/image-config.js';
export type { DockerRunFlags, RunSpec, RunSpecInput } from './spec/run-spec.js';
export { buildRunSpec } from './spec/run-spec.js';
export { ENGINE_USAGE } from './spec/usage-error.js';
