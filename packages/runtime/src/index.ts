export type { LinuxResources } from '@gc/cgroups';
export type { FileFilterCacheOptions, FilterCache } from '@gc/seccomp';
export { createFileFilterCache } from '@gc/seccomp';
export { GcError, SyscallError } from '@gc/syscall';
export type { Bundle } from './bundle.js';
export { bundleOf, readBundle } from './bundle.js';
export { receiveConsole } from './console.js';
export { newContainerId } from './container-id.js';
export {
  ContainerExistsError,
  ContainerIdError,
  ContainerNotExistError,
  ContainerStartError,
  ContainerStatusError,
  SpecError,
} from './errors.js';
export { fsError } from './fs-error.js';
export { checkHook, checkHooks } from './hooks/check-hooks.js';
export type { HookErrorOptions } from './hooks/hook-error.js';
export { HookError } from './hooks/hook-error.js';
export type { ContainerHookKind, HookKind, HostHookKind } from './hooks/hook-kind.js';
export { HOOK_KINDS, hookFailureIsFatal } from './hooks/hook-kind.js';
export type { ContainerHooksOptions, ContainerHooksPlan } from './hooks/plan-container-hooks.js';
export { planContainerHooks } from './hooks/plan-container-hooks.js';
export type { RunHooksOptions } from './hooks/run-hooks.js';
export { runHooks } from './hooks/run-hooks.js';
export type { RuntimeContext } from './operations/context.js';
export { recordedCgroup } from './operations/context.js';
export type { CreatedContainer, CreateOptions } from './operations/create.js';
export { createContainer } from './operations/create.js';
export type { DeleteOptions } from './operations/delete.js';
export { deleteContainer } from './operations/delete.js';
export type { EventsOptions } from './operations/events.js';
export { containerEvents, DEFAULT_EVENTS_INTERVAL_MS } from './operations/events.js';
export type { DetachedExecProcess, ExecExit, ExecOptions, ExecProcess } from './operations/exec.js';
export { execProcess } from './operations/exec.js';
export { cgroupFrozen } from './operations/frozen.js';
export type { KillOptions } from './operations/kill.js';
export { killContainer } from './operations/kill.js';
export type { ContainerSummary } from './operations/list.js';
export { listContainers } from './operations/list.js';
export { pauseContainer } from './operations/pause.js';
export { containerProcesses } from './operations/ps.js';
export { resumeContainer } from './operations/resume.js';
export { startCreatedContainer } from './operations/start.js';
export { containerState } from './operations/state.js';
export { containerStats } from './operations/stats.js';
export { mergeResources, updateContainer } from './operations/update.js';
export { writePidFile } from './pid-file.js';
export type { ContainerPlan, PlanOptions } from './plan-container.js';
export { planContainer } from './plan-container.js';
export type { ProcessOwner } from './process-owner.js';
export { ownerIsAlive, ownerOf } from './process-owner.js';
export type { ContainerExit, RunningContainer, RunOptions } from './run-container.js';
export { startContainer } from './run-container.js';
export type { CreateRunDirOptions, RunDir, RunDirOptions, RunDirOverlay, SweepOptions } from './run-dir.js';
export { createRunDir, RUN_ROOT, sweepRunDirs } from './run-dir.js';
export type { ContainerEvent, RuncBlkioEntry, RuncMemoryEntry, RuncStats } from './runc-stats.js';
export { toRuncStats } from './runc-stats.js';
export type { ContainerWait, Runtime, RuntimeOptions } from './runtime.js';
export { createRuntime } from './runtime.js';
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
export { DATA_ROOT, gocontainerStatePaths } from './state-paths.js';
export { validateResources } from './validate-resources.js';
export { validateProcess, validateSpec } from './validate-spec.js';
