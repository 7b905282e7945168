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
