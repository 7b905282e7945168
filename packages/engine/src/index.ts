export type { Frame, FrameDecoder, FrameKind } from './interact/attach-frame.js';
export {
  createFrameDecoder,
  ENGINE_BAD_FRAME,
  encodeFrame,
  exitCodeOf,
  exitFrame,
  FRAME_EXIT,
  FRAME_RESIZE,
  FRAME_STDERR,
  FRAME_STDIN,
  FRAME_STDIN_CLOSED,
  FRAME_STDOUT,
  resizeFrame,
  resizeOf,
} from './interact/attach-frame.js';
export { writeContainerSpec } from './interact/container-spec.js';
export { openContainerFs } from './interact/cp/container-fs.js';
export { ENGINE_CP_PATHS } from './interact/cp/copy-plan.js';
export type { CopyOptions } from './interact/cp/copy-tree.js';
export { copyTree } from './interact/cp/copy-tree.js';
export type { RootedFs } from './interact/cp/rooted-fs.js';
export { hostFs } from './interact/cp/rooted-fs.js';
export { copyFromTar, copyToTar } from './interact/cp/tar-copy.js';
export { ENGINE_BAD_TAR } from './interact/cp/tar-reader.js';
export type { DetachMatcher, DetachScan } from './interact/detach-keys.js';
export {
  createDetachMatcher,
  DEFAULT_DETACH_KEYS,
  ENGINE_BAD_DETACH_KEYS,
  parseDetachKeys,
} from './interact/detach-keys.js';
export type { DockerExecRequest } from './interact/exec-request.js';
export type { ExecTarget } from './interact/exec-target.js';
export { ENGINE_PAUSED, prepareExec } from './interact/exec-target.js';
export type { RunningInit } from './interact/running-init.js';
export { ENGINE_NOT_RUNNING, runningInit } from './interact/running-init.js';
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
export type { ContainerStats } from './stats/docker-arithmetic.js';
export { ENGINE_STATS_NO_CGROUP, ENGINE_STATS_READ } from './stats/errors.js';
export { liveInit } from './stats/live-init.js';
export type { NetCounters } from './stats/net-dev.js';
export type {
  StatsCounters,
  StatsReading,
  StatsSampler,
  StatsSamplerOptions,
  StatsTarget,
} from './stats/stats-sampler.js';
export { createStatsSampler } from './stats/stats-sampler.js';
export type {
  ContainerConfig,
  ContainerRecord,
  ContainerStateFile,
  HostConfig,
  LogConfig,
  RestartPolicy,
  RestartPolicyName,
} from './store/container-record.js';
export { ZERO_TIME } from './store/container-record.js';
export type { ContainerStore, ContainerStoreOptions, NewContainer } from './store/container-store.js';
export { createContainerStore } from './store/container-store.js';
export {
  ENGINE_AMBIGUOUS_CONTAINER,
  ENGINE_BAD_RECORD,
  ENGINE_INVALID_NAME,
  ENGINE_NAME_IN_USE,
  ENGINE_NO_SUCH_CONTAINER,
} from './store/errors.js';
export { generateName, validateName } from './store/names.js';
