// @gc/engine/spec: `docker run`'s flags and an image config as an OCI spec, without the store, monitor or operations.
export type { NetworkMode } from './spec/docker-defaults.js';
export { dockerFilesystem, dockerNamespaces } from './spec/docker-defaults.js';
export type { EtcFilesOptions } from './spec/docker-etc-files.js';
export { writeDockerEtcFiles } from './spec/docker-etc-files.js';
export { dockerSecurity } from './spec/docker-security.js';
export { blameRunFlag } from './spec/flag-errors.js';
export type { PullPolicy, RunImage } from './spec/image-config.js';
export { pullPolicy } from './spec/image-config.js';
export type { DockerRunFlags, RunSpec } from './spec/run-spec.js';
export { buildRunSpec } from './spec/run-spec.js';
