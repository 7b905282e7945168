// @gc/namespaces: Linux namespaces as syscall-program ops (clone flags, setns
// joins, user-namespace id maps, time offsets, hostname, loopback) and the
// inspection of a process's namespaces.

export { MAX_UTS_NAME_BYTES, planDomainname, planHostname, requireNamespace } from './hostname.js';
export type { IdMapWrite } from './id-maps.js';
export { formatIdMap, hasCapSetgid, writeIdMaps } from './id-maps.js';
export type { NamespaceInfo, Pid } from './inspect.js';
export { childNamespacesOf, namespaceOf, namespacesOf, sameNamespace } from './inspect.js';
export { planLoopbackUp } from './loopback.js';
export type { NamespacePlan, PlanNamespacesOptions } from './plan.js';
export { planNamespaces } from './plan.js';
export { formatTimeOffsets } from './time-offsets.js';
export type { IdMapping, JoinProcess, NamespaceSpec, NamespaceType, TimeOffset, TimeOffsets } from './types.js';
export { CLONE_FLAG_OF, isNamespaceType, NAMESPACE_TYPES, PROC_NS_NAME } from './types.js';
export type { NamespaceInput } from './validate.js';
export {
  INVALID_CONFIG,
  MAX_ID_MAP_LINES,
  validateIdMappings,
  validateNamespaceInput,
  validateNamespaces,
} from './validate.js';
