import { CgroupError, invalid } from '../errors.js';
import type { LinuxDeviceCgroup } from '../resources.js';

/** `BPF_DEVCG_ACC_*`: the access bits a device rule grants or refuses, as the kernel numbers them. */
export const ACCESS_MKNOD = 1;
export const ACCESS_READ = 2;
export const ACCESS_WRITE = 4;
export const ACCESS_ALL = ACCESS_MKNOD | ACCESS_READ | ACCESS_WRITE;

const ACCESS_BITS: Readonly<Record<string, number>> = { m: ACCESS_MKNOD, r: ACCESS_READ, w: ACCESS_WRITE };

/** Linux dev_t limits (12-bit major, 20-bit minor). */
export const MAX_MAJOR = 0xfff;
export const MAX_MINOR = 0xfffff;

/**
 * One OCI `linux.resources.devices` rule, checked and normalised: `a` is
 * both block and character devices; an undefined major or minor matches any.
 */
export interface DeviceRule {
  readonly allow: boolean;
  readonly type: 'a' | 'b' | 'c';
  readonly major: number | undefined;
  readonly minor: number | undefined;
  /** `ACCESS_*` bits, never 0. */
  readonly access: number;
}

/** `rwm` -> access bits; undefined when the text is not some of r, w and m. */
export function accessBits(text: string): number | undefined {
  if (!/^[rwm]{1,3}$/.test(text)) return undefined;
  let bits = 0;
  for (const ch of text) bits |= ACCESS_BITS[ch] as number;
  return bits;
}

/** Access bits -> `rwm` (in that order). */
export function accessText(bits: number): string {
  return `${bits & ACCESS_READ ? 'r' : ''}${bits & ACCESS_WRITE ? 'w' : ''}${bits & ACCESS_MKNOD ? 'm' : ''}`;
}

function deviceNumber(n: unknown, max: number, field: string): number | undefined {
  // OCI: absent, null or -1 (runc's wildcard) match any.
  if (n === undefined || n === null || n === -1) return undefined;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) {
    throw invalid(field, `an integer from 0 to ${max}, or -1 (or none) for any`, n);
  }
  return n;
}

/** Check OCI device rules and normalise them; errors name the field (`linux.resources.devices[2].access`). */
export function normalizeDeviceRules(
  rules: readonly LinuxDeviceCgroup[],
  field = 'linux.resources.devices',
): DeviceRule[] {
  if (!Array.isArray(rules)) throw invalid(field, 'an array of device rules', rules);
  return rules.map((rule, i) => {
    const f = `${field}[${i}]`;
    if (typeof rule !== 'object' || rule === null) throw invalid(f, 'a device rule object', rule);
    if (typeof rule.allow !== 'boolean') throw invalid(`${f}.allow`, 'true or false', rule.allow);
    const type = rule.type ?? 'a';
    if (type !== 'a' && type !== 'b' && type !== 'c') throw invalid(`${f}.type`, '"a", "b" or "c"', rule.type);
    const access =
      typeof rule.access === 'string' ? accessBits(rule.access) : rule.access === undefined ? ACCESS_ALL : undefined;
    if (access === undefined) throw invalid(`${f}.access`, 'some of "rwm"', rule.access);
    return {
      allow: rule.allow,
      type,
      major: deviceNumber(rule.major, MAX_MAJOR, `${f}.major`),
      minor: deviceNumber(rule.minor, MAX_MINOR, `${f}.minor`),
      access,
    };
  });
}

const RULE_SYNTAX =
  'expected TYPE MAJOR:MINOR ACCESS (type a, b or c; major and minor a number or *; access some of rwm)';

/**
 * A rule as `docker run --device-cgroup-rule` and cgroup v1's devices.allow
 * take it: `c 13:* rwm` (an allow rule). `option` names where it came from,
 * for the error: `--device-cgroup-rule: "x 1:2 r": expected TYPE MAJOR:MINOR ACCESS (...)`.
 */
export function parseDeviceCgroupRule(text: string, option: string): LinuxDeviceCgroup {
  const m = /^([abc]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/.exec(text.trim());
  const fail = (why: string) =>
    new CgroupError('EINVALIDRESOURCE', `${JSON.stringify(text)}: ${why}`, { field: option });
  if (!m) throw fail(RULE_SYNTAX);
  const [, type, major, minor, access] = m as unknown as [string, string, string, string, string];
  const num = (s: string, max: number, what: string) => {
    if (s === '*') return undefined;
    const n = Number(s);
    if (n > max) throw fail(`the ${what} ${s} is above ${max}`);
    return n;
  };
  const rule: LinuxDeviceCgroup = { allow: true, type, access };
  const maj = num(major, MAX_MAJOR, 'major');
  const min = num(minor, MAX_MINOR, 'minor');
  if (maj !== undefined) rule.major = maj;
  if (min !== undefined) rule.minor = min;
  return rule;
}

/** `c 1:3 rwm`: the line cgroup v1's devices.allow and devices.deny take. */
export function deviceRuleLine(rule: DeviceRule): string {
  const num = (n: number | undefined) => (n === undefined ? '*' : String(n));
  return `${rule.type} ${num(rule.major)}:${num(rule.minor)} ${accessText(rule.access)}`;
}
