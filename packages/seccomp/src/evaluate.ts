import { abiOf, FILTER_ARCHES } from './arches.js';
import { AUDIT_ARCH_X86_64 } from './constants.js';
import type { SeccompData } from './interpreter.js';
import type { Condition, NormalizedProfile, Rule } from './normalize.js';
import { seccompSyscallNumber } from './syscall-names.js';

const U32 = 0xffffffffn;
const NR_SKIP = 0xffffffff;

/**
 * What a profile says a syscall gets, decided directly from the rules (no
 * BPF): the reference the compiled filters are tested against. The
 * semantics, libseccomp's as runc drives it:
 * - a call from an ABI the filter does not cover gets the bad-arch action;
 *   on x86_64 without x32, an x32 number does too, except -1 (what a tracer
 *   uses to skip a call), which gets the default action;
 * - a syscall with an unconditional rule gets that rule's action (the first
 *   one); otherwise the first rule, in profile order, whose conditions all
 *   hold; otherwise the default action;
 * - conditions compare unsigned 64-bit values; on 32-bit ABIs (x86, arm) only
 *   the low 32 bits of the argument and the values, as libseccomp does.
 */
export function evaluateProfile(profile: NormalizedProfile, data: SeccompData): number {
  const nr = data.nr >>> 0;
  const abi = abiOf(data.arch >>> 0, nr);
  if (abi === undefined || !profile.arches.includes(abi)) {
    const nativeSkip = abi === 'x32' && data.arch >>> 0 === AUDIT_ARCH_X86_64 && nr === NR_SKIP;
    return nativeSkip && profile.arches.includes('x86_64') ? profile.defaultAction : profile.badArchAction;
  }
  const rules = profile.rules.filter((rule) => rule.names.some((name) => seccompSyscallNumber(name, abi) === nr));
  const unconditional = rules.find((rule) => rule.conditions.length === 0);
  if (unconditional) return unconditional.action;
  const bits = FILTER_ARCHES[abi].bits;
  const hit = rules.find((rule) => ruleHolds(rule, data, bits));
  return hit ? hit.action : profile.defaultAction;
}

function ruleHolds(rule: Rule, data: SeccompData, bits: 32 | 64): boolean {
  return rule.conditions.every((c) => conditionHolds(c, BigInt.asUintN(64, data.args?.[c.index] ?? 0n), bits));
}

function conditionHolds(c: Condition, arg: bigint, bits: 32 | 64): boolean {
  const cut = (v: bigint) => (bits === 32 ? v & U32 : v);
  const a = cut(arg);
  const v = cut(c.value);
  switch (c.op) {
    case 'SCMP_CMP_NE':
      return a !== v;
    case 'SCMP_CMP_LT':
      return a < v;
    case 'SCMP_CMP_LE':
      return a <= v;
    case 'SCMP_CMP_EQ':
      return a === v;
    case 'SCMP_CMP_GE':
      return a >= v;
    case 'SCMP_CMP_GT':
      return a > v;
    case 'SCMP_CMP_MASKED_EQ':
      // libseccomp masks the datum too: the rule matches when (arg & mask) == (datum & mask).
      return (a & v) === (cut(c.valueTwo) & v);
  }
}
