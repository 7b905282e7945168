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
