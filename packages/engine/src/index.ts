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
