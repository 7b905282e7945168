import { type DeviceRequest, deviceAllowed } from './evaluate.js';
import { ACCESS_ALL, ACCESS_MKNOD, ACCESS_READ, ACCESS_WRITE, type DeviceRule } from './rule.js';

const ASKED = [ACCESS_MKNOD, ACCESS_READ, ACCESS_WRITE, ACCESS_READ | ACCESS_WRITE];

interface Exception {
  type: 'b' | 'c';
  major: number | undefined;
  minor: number | undefined;
  access: number;
}

/**
 * The lines cgroup v1's devices controller is given for a rule list:
 * `deny a` (default deny, no exceptions), then each rule in order. An `a`
 * rule other than `a *:* rwm` is written as a `b` and a `c` rule, since v1
 * reads any `a` line as "everything".
 */
export function v1DeviceWrites(rules: readonly DeviceRule[]): { allow: boolean; rule: DeviceRule | 'a' }[] {
  const out: { allow: boolean; rule: DeviceRule | 'a' }[] = [{ allow: false, rule: 'a' }];
  for (const rule of rules) {
    const everything = rule.type === 'a' && rule.major === undefined && rule.minor === undefined;
    if (everything && rule.access === ACCESS_ALL) {
      // Right after the same `a` line (Docker's list starts with deny-all), it would change nothing.
      const last = out.at(-1);
      if (last?.rule !== 'a' || last.allow !== rule.allow) out.push({ allow: rule.allow, rule: 'a' });
    } else if (rule.type === 'a') {
      out.push(
        { allow: rule.allow, rule: { ...rule, type: 'b' } },
        { allow: rule.allow, rule: { ...rule, type: 'c' } },
      );
    } else out.push({ allow: rule.allow, rule });
  }
  return out;
}

interface V1State {
  allowAll: boolean;
  exceptions: Exception[];
}

/**
 * What the v1 kernel keeps after the writes (security/device_cgroup.c): a
 * default behaviour and a list of exceptions; a rule of the default's action
 * only takes bits away from an exception of the very same type, major and minor.
 */
function v1State(writes: ReturnType<typeof v1DeviceWrites>): V1State {
  let allowAll = false;
  let exceptions: Exception[] = [];
  for (const { allow, rule } of writes) {
    if (rule === 'a') {
      allowAll = allow;
      exceptions = [];
      continue;
    }
    const type = rule.type as 'b' | 'c';
    const same = exceptions.find((e) => e.type === type && e.major === rule.major && e.minor === rule.minor);
    if (allow !== allowAll) {
      if (same) same.access |= rule.access;
      else exceptions.push({ type, major: rule.major, minor: rule.minor, access: rule.access });
    } else if (same) {
      same.access &= ~rule.access;
      if (same.access === 0) exceptions = exceptions.filter((e) => e !== same);
    }
  }
  return { allowAll, exceptions };
}

/** What that kernel state answers to a request. */
function v1Allowed({ allowAll, exceptions }: V1State, req: DeviceRequest): boolean {
  const covers = (e: Exception) =>
    e.type === req.type &&
    (e.major === undefined || e.major === req.major) &&
    (e.minor === undefined || e.minor === req.minor);
  if (allowAll) return !exceptions.some((e) => covers(e) && (e.access & req.access) !== 0);
  return exceptions.some((e) => covers(e) && (req.access & ~e.access) === 0);
}

/**
 * A request the v1 kernel would answer differently from the rules' meaning
 * (`deviceAllowed`), or undefined. Devices differ only in being equal to a
 * rule's number or not, so for each type the numbers of the rules that can
 * match it, plus one unused number, stand for all majors; and for each major
 * so do the minors of the rules that can match it. The kernel asks for mknod
 * alone (m), or for what an open needs (r, w or rw), never for more at once.
 */
export function v1Divergence(rules: readonly DeviceRule[]): DeviceRequest | undefined {
  const state = v1State(v1DeviceWrites(rules));
  const classes = (numbers: (number | undefined)[]) => {
    const used = new Set(numbers.filter((n): n is number => n !== undefined));
    let other = 0;
    while (used.has(other)) other++;
    return [...used, other];
  };
  for (const type of ['b', 'c'] as const) {
    const ofType = rules.filter((r) => r.type === 'a' || r.type === type);
    for (const major of classes(ofType.map((r) => r.major))) {
      const ofMajor = ofType.filter((r) => r.major === undefined || r.major === major);
      for (const minor of classes(ofMajor.map((r) => r.minor))) {
        for (const access of ASKED) {
          const req = { type, major, minor, access };
          if (deviceAllowed(rules, req) !== v1Allowed(state, req)) return req;
        }
      }
    }
  }
  return undefined;
}
