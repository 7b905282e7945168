// @gc/capabilities: Linux capabilities by name and number, Docker's default
// set and flags, and the five sets planned as syscall-program ops.

export { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
export type { ProcessCapabilities } from './inspect.js';
export { capabilitiesOf, parseCapabilityStatus } from './inspect.js';
export { capabilityMask, formatCapabilityMask, namesOfMask, parseCapabilityMask } from './mask.js';
export type { KnownCapability } from './names.js';
export {
  allCapabilities,
  CAP_LAST_KNOWN,
  CAP_MAX,
  CAPABILITY_NAMES,
  capabilityName,
  capabilityNumber,
  isCapabilityName,
  lastCap,
} from './names.js';
export { INVALID_CONFIG, PKG } from './pkg.js';
export type { BoundingSetPlan, CapabilitySetsPlan, PlanCapabilitiesOptions } from './plan.js';
export { planBoundingSet, planCapabilities, planCapabilitySets } from './plan.js';
export type { ResolveCapabilitiesOptions } from './resolve.js';
export { ALL_CAPABILITIES, dockerCapabilitySets, normalizeCapabilityFlag, resolveCapabilities } from './resolve.js';
export type { CapabilitiesInput, CapabilitySetName, CapabilitySets } from './sets.js';
export { CAPABILITY_SETS } from './sets.js';
export { validateCapabilities } from './validate.js';
