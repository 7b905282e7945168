export { parseGoDuration } from './go-duration.js';
export type { Frame } from './interact/attach-frame.js';
export {
  createFrameDecoder,
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
export { copyTree } from './interact/cp/copy-tree.js';
export { hostFs } from './interact/cp/rooted-fs.js';
export { copyFromTar, copyToTar } from './interact/cp/tar-copy.js';
export { createDetachMatcher, DEFAULT_DETACH_KEYS, parseDetachKeys } from './interact/detach-keys.js';
export type { ExecTarget } from './interact/exec-target.js';
export { prepareExec } from './interact/exec-target.js';
export { runningInit } from './interact/running-init.js';
export { filterAsksForStopped, matchesFilter, parseFilters } from './list/container-filter.js';
export { writableLayerSize } from './list/writable-size.js';
export { readLog } from './logs-reader/read-log.js';
export { parseSince } from './logs-reader/since.js';
export { ContainerLaunchError } from './monitor/errors.js';
export type { LaunchedMonitor } from './monitor/launch-monitor.js';
export { launchMonitor, MONITOR_REPORT_FD } from './monitor/launch-monitor.js';
export { parseLogOptions } from './monitor/log-options.js';
export { planMonitor } from './monitor/plan-monitor.js';
export { parseRestartPolicy } from './monitor/restart-policy.js';
export type { StartFile } from './monitor/start-file.js';
export { readStartFile, writeStartFile } from './monitor/start-file.js';
export type { StartReport } from './monitor/start-report.js';
export { formatStartReport } from './monitor/start-report.js';
export type { ContainerNow, EngineContext } from './operations/engine-context.js';
export { containerCgroup, containerNow } from './operations/engine-context.js';
export { ENGINE_NOT_RUNNING, ENGINE_RESTARTING } from './operations/errors.js';
export { killContainer } from './operations/kill.js';
export { pauseContainer, unpauseContainer } from './operations/pause.js';
export { pruneContainers } from './operations/prune.js';
export { removeContainer } from './operations/remove.js';
export { parseSignal } from './operations/signal.js';
export { stopContainer } from './operations/stop.js';
export { containerTop } from './operations/top.js';
export { waitContainer } from './operations/wait.js';
export * from './spec-entry.js';
export type { ContainerStats } from './stats/docker-arithmetic.js';
export { liveInit } from './stats/live-init.js';
export type { StatsReading, StatsTarget } from './stats/stats-sampler.js';
export { createStatsSampler } from './stats/stats-sampler.js';
export { humanDuration } from './status/human-duration.js';
export { liveProcess } from './status/live-process.js';
export { liveState } from './status/live-state.js';
export { statusText } from './status/status-text.js';
export type {
  ContainerRecord,
  ContainerStateFile,
  HostConfig,
  LogConfig,
  RestartPolicy,
} from './store/container-record.js';
export { ZERO_TIME } from './store/container-record.js';
export type { ContainerStore, NewContainer } from './store/container-store.js';
export { createContainerStore } from './store/container-store.js';
export { type HeldRootLock, lockContainerRoot } from './store/root-lock.js';
