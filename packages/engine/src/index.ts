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
export { prepareExec } from './interact/exec-target.js';
export type { RunningInit } from './interact/running-init.js';
export { runningInit } from './interact/running-init.js';
export type { ContainerFilter, FilterSubject } from './list/container-filter.js';
export { ENGINE_BAD_FILTER, filterAsksForStopped, matchesFilter, parseFilters } from './list/container-filter.js';
export type { FollowOptions, LogEntry, ReadLogOptions } from './logs-reader/read-log.js';
export { readLog } from './logs-reader/read-log.js';
export { ENGINE_BAD_TIME, parseDuration, parseSince } from './logs-reader/since.js';
export { ContainerLaunchError, ENGINE_BAD_OPTION, ENGINE_START_FAILED, EngineOptionError } from './monitor/errors.js';
export type { LaunchedMonitor, LaunchOptions } from './monitor/launch-monitor.js';
export { launchMonitor, MONITOR_REPORT_FD } from './monitor/launch-monitor.js';
export { parseLogOptions } from './monitor/log-options.js';
export type { MonitorPlan, MonitorPlanInput } from './monitor/plan-monitor.js';
export { planMonitor } from './monitor/plan-monitor.js';
export { parseRestartPolicy } from './monitor/restart-policy.js';
export type { StartFile } from './monitor/start-file.js';
export { readStartFile, writeStartFile } from './monitor/start-file.js';
export type { StartReport } from './monitor/start-report.js';
export { formatStartReport, parseMonitorReport } from './monitor/start-report.js';
export type { ContainerNow, EngineContext } from './operations/engine-context.js';
export { containerCgroup, containerNow } from './operations/engine-context.js';
export {
  ENGINE_BAD_SIGNAL,
  ENGINE_CONTAINER_RUNNING,
  ENGINE_NOT_PAUSED,
  ENGINE_NOT_RUNNING,
  ENGINE_PAUSED,
  ENGINE_TIMEOUT,
} from './operations/errors.js';
export { killContainer } from './operations/kill.js';
export { pauseContainer, unpauseContainer } from './operations/pause.js';
export type { PruneResult } from './operations/prune.js';
export { diskUsage, pruneContainers } from './operations/prune.js';
export type { RemoveOptions } from './operations/remove.js';
export { removeContainer } from './operations/remove.js';
export { parseSignal } from './operations/signal.js';
export type { StopOptions, StopResult } from './operations/stop.js';
export { stopContainer } from './operations/stop.js';
export { requestStop, STOP_REQUESTED } from './operations/stop-request.js';
export type { ContainerTop } from './operations/top.js';
export { containerTop, ENGINE_PS_FAILED } from './operations/top.js';
export { waitContainer } from './operations/wait.js';
export * from './spec-entry.js';
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
export { humanDuration } from './status/human-duration.js';
export type { ContainerStatus, LiveState, LiveStateProbes } from './status/live-state.js';
export { liveState } from './status/live-state.js';
export { statusText } from './status/status-text.js';
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
