import type { DeviceRule } from './rule.js';

/** What the kernel asks a device filter: a device and the access wanted (`ACCESS_*` bits). */
export interface DeviceRequest {
  readonly type: 'b' | 'c';
  readonly major: number;
  readonly minor: number;
  readonly access: number;
}

function matches(rule: DeviceRule, req: DeviceRequest): boolean {
  return (
    (rule.type === 'a' || rule.type === req.type) &&
    (rule.major === undefined || rule.major === req.major) &&
    (rule.minor === undefined || rule.minor === req.minor)
  );
}

/**
 * The meaning of a rule list, runc's: rules in order, the last one that
 * matches the device decides, default deny. Per access bit: `c 1:3 rw` then
 * `c 1:3 w` denied leaves read allowed, so an open for reading and writing
 * is refused. An empty access is refused (the kernel never asks for one).
 * The eBPF program `compileDeviceFilter` makes is checked against this.
 */
export function deviceAllowed(rules: readonly DeviceRule[], req: DeviceRequest): boolean {
  let pending = req.access;
  if (pending === 0) return false;
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as DeviceRule;
    if (!matches(rule, req) || (pending & rule.access) === 0) continue;
    if (!rule.allow) return false;
    pending &= ~rule.access;
    if (pending === 0) return true;
  }
  return false;
}
