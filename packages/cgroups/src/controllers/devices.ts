import { invalid } from '../errors.js';
import type { LinuxDeviceCgroup } from '../resources.js';
import type { Controller } from './controller.js';

const F = 'linux.resources.devices';

/** `c 1:3 rwm`, the line devices.allow and devices.deny take. */
export function deviceRuleLine(rule: LinuxDeviceCgroup, field: string): string {
  const type = rule.type ?? 'a';
  if (!['a', 'b', 'c'].includes(type)) throw invalid(`${field}.type`, '"a", "b" or "c"', rule.type);
  const access = rule.access ?? 'rwm';
  if (!/^[rwm]{1,3}$/.test(access)) throw invalid(`${field}.access`, 'some of "rwm"', rule.access);
  const num = (n: number | null | undefined) => (n === undefined || n === null || n < 0 ? '*' : String(n));
  return `${type} ${num(rule.major)}:${num(rule.minor)} ${access}`;
}

/**
 * v1 devices.allow / devices.deny, in the spec's order. cgroup v2 has no
 * files for it (it needs an eBPF device program): the manager reports that.
 */
export const devicesController: Controller = {
  v1: 'devices',
  v2: undefined,
  fields: (r) => (r.devices?.length ? [F] : []),
  applyV1: (dir, r) => {
    (r.devices ?? []).forEach((rule, i) => {
      const field = `${F}[${i}]`;
      dir.write(rule.allow ? 'devices.allow' : 'devices.deny', deviceRuleLine(rule, field), field);
    });
  },
};
