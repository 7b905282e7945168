export { attachDeviceFilter } from './attach.js';
export { compileDeviceFilter } from './compile.js';
export type { DeviceRequest } from './evaluate.js';
export { deviceAllowed } from './evaluate.js';
export type { DeviceRule } from './rule.js';
export { deviceRuleLine, normalizeDeviceRules, parseDeviceCgroupRule } from './rule.js';
