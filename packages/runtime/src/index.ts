export type { LinuxResources } from '@gc/cgroups';
export type { FileFilterCacheOptions, FilterCache } from '@gc/seccomp';
export { createFileFilterCache } from '@gc/seccomp';
export { GcError, SyscallError } from '@gc/syscall';
export { receiveConsole } from './console.js';
export { newContainerId } from './container-id.js';
export type { NetworkMode } from './docker-defaults.js';
export { DEFAULT_PATH, dockerFilesystem, dockerNamespaces } from './docker-defaults.js';
export type { DeviceOptions, Devices, HostNode } from './docker-devices.js';
export { dockerDevices } from './docker-devices.js';
export type { EtcFilesOptions, HostEtcFiles } from './docker-etc-files.js';
export { writeDockerEtcFiles } from './docker-etc-files.js';
export type { Security, SecurityOptions } from './docker-security.js';
export { dockerSecurity, dockerUlimits, dockerUser, hardenDockerProfile } from './docker-security.js';
export { dockerSysctls } from './docker-sysctls.js';
export { dockerVolume } from './docker-volume.js';
export {
  ContainerExistsError,
  ContainerIdError,
  ContainerNotExistError,
  ContainerStartError,
  ContainerStatusError,
  SpecError,
} from './errors.js';
export type { RuntimeContext } from './operations/context.js';
export type { DetachedExecProcess, ExecExit, ExecOptions, ExecProcess } from './operations/exec.js';
export { execProcess } from './operations/exec.js';
export { writePidFile } from './pid-file.js';
export type { ContainerPlan, PlanOptions } from './plan-container.js';
export { planContainer } from './plan-container.js';
export type { ContainerExit, RunningContainer, RunOptions } from './run-container.js';
export { startContainer } from './run-container.js';
export type { CreateRunDirOptions, RunDir, RunDirOptions, RunDirOverlay, SweepOptions } from './run-dir.js';
export { createRunDir, RUN_ROOT, sweepRunDirs } from './run-dir.js';
export type { Hook, Hooks, Linux, Process, Root, Spec } from './spec.js';
export type { LiveStatusOptions } from './state/live-status.js';
export type { OciState } from './state/oci-state.js';
export type { ContainerRecord } from './state/record.js';
export { StateFileError } from './state/record.js';
export type { ContainerStatus, Operation } from './state/status.js';
export { ALLOWED, assertAllowed, CONTAINER_STATUSES, isAllowed } from './state/status.js';
export type { StateStore, StateStoreOptions, StoredContainer } from './state/store.js';
export { createStateStore } from './state/store.js';
export { validateContainerId } from './state/validate-id.js';
export { gocontainerStatePaths } from './state-paths.js';
export { validateProcess, validateSpec } from './validate-spec.js';
