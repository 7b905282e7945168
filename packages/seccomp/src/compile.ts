import { GcError } from '@gc/syscall';
import { FILTER_ARCHES } from './arches.js';
import {
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_K,
  BPF_LD,
  BPF_RET,
  BPF_W,
  encodeFilter,
  jump,
  type SockFilter,
  stmt,
} from './bpf.js';
import {
  BPF_MAXINSNS,
  SECCOMP_DATA_ARCH,
  SECCOMP_DATA_ARGS,
  SECCOMP_DATA_NR,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  X32_SYSCALL_BIT,
} from './constants.js';
import {
  type Condition,
  type NormalizedProfile,
  normalizeProfile,
  type ProfileOptions,
  type Rule,
} from './normalize.js';
import { seccompSyscallNumber } from './syscall-names.js';
import type { TableArch } from './syscall-tables.js';
import type { SeccompProfile } from './types.js';

/** A compiled filter, ready for `seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog)`. */
export interface CompiledFilter {
  readonly instructions: readonly SockFilter[];
  /** `instructions` as `struct sock_filter[]` bytes. */
  readonly bytes: Uint8Array;
  /** SECCOMP_FILTER_FLAG_* for the load (NEW_LISTENER added when a rule notifies). */
  readonly flags: number;
  /** The load returns a listener fd (SCMP_ACT_NOTIFY is used). */
  readonly needsListener: boolean;
  /** The profile as compiled: arches covered, rules kept, names skipped. */
  readonly profile: NormalizedProfile;
}

/**
 * Compile an OCI `linux.seccomp` profile, or a Docker profile, into classic
 * BPF for a host of `opts.arch`. Throws SeccompProfileError for a bad profile
 * and GcError `ESECCOMP_TOO_BIG` past the kernel's 4096 instructions.
 */
export function compileSeccomp(profile: SeccompProfile, opts: ProfileOptions = {}): CompiledFilter {
  return compileNormalized(normalizeProfile(profile, opts));
}

/**
 * The filter's shape: check the arch first (a foreign one gets the bad-arch
 * action); then, per ABI, a binary search on the syscall number over ranges
 * of equal outcome, each leaf a `ret` or, for a syscall with argument rules,
 * the rules in order then the default.
 */
export function compileNormalized(profile: NormalizedProfile): CompiledFilter {
  const code: SockFilter[] = [stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_ARCH)];
  for (const section of sections(profile)) {
    const body = [stmt(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR), ...searchTree(section.ranges)];
    if (body.length <= 255) code.push(jump(BPF_JMP | BPF_JEQ | BPF_K, section.audit, 0, body.length));
    else code.push(jump(BPF_JMP | BPF_JEQ | BPF_K, section.audit, 1, 0), stmt(BPF_JMP | BPF_JA, body.length));
    code.push(...body);
  }
  code.push(ret(profile.badArchAction));
  if (code.length > BPF_MAXINSNS) {
    throw new GcError(
      'ESECCOMP_TOO_BIG',
      `the seccomp filter has ${code.length} instructions, more than the kernel's ${BPF_MAXINSNS}`,
    );
  }
  return {
    instructions: code,
    bytes: encodeFilter(code),
    flags: profile.flags,
    needsListener: (profile.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0,
    profile,
  };
}

/** A range returns one value, or runs a syscall's argument rules and then returns `fallback` (the default). */
type Outcome =
  | { readonly ret: number }
  | { readonly rules: readonly Rule[]; readonly bits: 32 | 64; readonly fallback: number };

interface Range {
  readonly lo: number;
  readonly hi: number;
  readonly outcome: Outcome;
}

interface Section {
  readonly audit: number;
  readonly ranges: readonly Range[];
}

/** One section per `seccomp_data.arch` value: x86_64 and x32 share AUDIT_ARCH_X86_64. */
function sections(profile: NormalizedProfile): Section[] {
  const out: Section[] = [];
  const done = new Set<TableArch>();
  for (const abi of profile.arches) {
    if (done.has(abi)) continue;
    const audit = FILTER_ARCHES[abi].audit;
    const abis = profile.arches.filter((a) => FILTER_ARCHES[a].audit === audit);
    for (const a of abis) done.add(a);
    const ranges: Range[] = abis.flatMap((a) => syscallOutcomes(profile, a));
    if (abis.includes('x86_64') && !abis.includes('x32')) {
      // libseccomp: x32 numbers are a foreign ABI, except -1 (a tracer skipping the call).
      ranges.push({ lo: X32_SYSCALL_BIT, hi: 0xfffffffe, outcome: { ret: profile.badArchAction } });
    }
    out.push({ audit, ranges: fillAndMerge(ranges, profile.defaultAction) });
  }
  return out;
}

/** The outcome of every syscall of `abi` that some rule names and that differs from the default. */
function syscallOutcomes(profile: NormalizedProfile, abi: TableArch): Range[] {
  const byNr = new Map<number, Rule[]>();
  for (const rule of profile.rules) {
    for (const name of rule.names) {
      const nr = seccompSyscallNumber(name, abi);
      if (nr === undefined) continue;
      const list = byNr.get(nr) ?? [];
      if (!list.includes(rule)) list.push(rule);
      byNr.set(nr, list);
    }
  }
  const out: Range[] = [];
  for (const [nr, rules] of byNr) {
    const unconditional = rules.find((r) => r.conditions.length === 0);
    let outcome: Outcome;
    if (unconditional) outcome = { ret: unconditional.action };
    else if (rules.every((r) => r.action === profile.defaultAction)) outcome = { ret: profile.defaultAction };
    else outcome = { rules, bits: FILTER_ARCHES[abi].bits, fallback: profile.defaultAction };
    if ('ret' in outcome && outcome.ret === profile.defaultAction) continue;
    out.push({ lo: nr, hi: nr, outcome });
  }
  return out;
}

/** Sort, cover 0..2^32-1 with the default where nothing is said, and join neighbours that return the same. */
function fillAndMerge(ranges: Range[], defaultAction: number): Range[] {
  const sorted = [...ranges].sort((a, b) => a.lo - b.lo);
  const out: Range[] = [];
  const push = (r: Range) => {
    const last = out.at(-1);
    if (last && 'ret' in last.outcome && 'ret' in r.outcome && last.outcome.ret === r.outcome.ret) {
      out[out.length - 1] = { lo: last.lo, hi: r.hi, outcome: last.outcome };
    } else out.push(r);
  };
  let next = 0;
  for (const r of sorted) {
    if (r.lo < next) throw new Error(`internal: overlapping syscall ranges at ${r.lo}`);
    if (r.lo > next) push({ lo: next, hi: r.lo - 1, outcome: { ret: defaultAction } });
    push(r);
    next = r.hi + 1;
  }
  if (next <= 0xffffffff) push({ lo: next, hi: 0xffffffff, outcome: { ret: defaultAction } });
  return out;
}

/** A balanced search on the accumulator (the syscall number): `jge` on range starts, leaves as code. */
function searchTree(ranges: readonly Range[]): SockFilter[] {
  if (ranges.length === 1) return leaf((ranges[0] as Range).outcome);
  const mid = ranges.length >> 1;
  const left = searchTree(ranges.slice(0, mid));
  const right = searchTree(ranges.slice(mid));
  const pivot = (ranges[mid] as Range).lo;
  if (left.length <= 255) return [jump(BPF_JMP | BPF_JGE | BPF_K, pivot, left.length, 0), ...left, ...right];
  // Conditional jumps reach 255 instructions: go through an unconditional one.
  return [jump(BPF_JMP | BPF_JGE | BPF_K, pivot, 0, 1), stmt(BPF_JMP | BPF_JA, left.length), ...left, ...right];
}

function leaf(outcome: Outcome): SockFilter[] {
  if ('ret' in outcome) return [ret(outcome.ret)];
  return [...outcome.rules.flatMap((rule) => ruleCode(rule, outcome.bits)), ret(outcome.fallback)];
}

const FAIL = -1;

/** A rule: its conditions in turn (falling through while they hold), then its return; a failed condition jumps past. */
function ruleCode(rule: Rule, bits: 32 | 64): SockFilter[] {
  const code: SockFilter[] = [];
  for (const c of rule.conditions) code.push(...conditionCode(c, bits));
  code.push(ret(rule.action));
  return code.map((ins, i) => {
    const toEnd = code.length - i - 1;
    if (ins.jt !== FAIL && ins.jf !== FAIL) return ins;
    if (toEnd > 255) throw new Error('internal: a rule is longer than a jump reaches');
    return { ...ins, jt: ins.jt === FAIL ? toEnd : ins.jt, jf: ins.jf === FAIL ? toEnd : ins.jf };
  });
}

const ld = (offset: number) => stmt(BPF_LD | BPF_W | BPF_ABS, offset);
const j = (op: number, k: number, jt: number, jf: number): SockFilter => ({
  code: BPF_JMP | op | BPF_K,
  jt,
  jf,
  k: k >>> 0,
});

/** One condition on 64-bit words compared high half first, as libseccomp does. Falls through when it holds. */
function conditionCode(c: Condition, bits: 32 | 64): SockFilter[] {
  const lo = SECCOMP_DATA_ARGS + c.index * 8;
  const hi = lo + 4;
  const vl = Number(c.value & 0xffffffffn);
  const vh = Number(c.value >> 32n);
  if (bits === 32) {
    switch (c.op) {
      case 'SCMP_CMP_EQ':
        return [ld(lo), j(BPF_JEQ, vl, 0, FAIL)];
      case 'SCMP_CMP_NE':
        return [ld(lo), j(BPF_JEQ, vl, FAIL, 0)];
      case 'SCMP_CMP_GT':
        return [ld(lo), j(BPF_JGT, vl, 0, FAIL)];
      case 'SCMP_CMP_GE':
        return [ld(lo), j(BPF_JGE, vl, 0, FAIL)];
      case 'SCMP_CMP_LT':
        return [ld(lo), j(BPF_JGE, vl, FAIL, 0)];
      case 'SCMP_CMP_LE':
        return [ld(lo), j(BPF_JGT, vl, FAIL, 0)];
      case 'SCMP_CMP_MASKED_EQ': {
        const datum = Number(c.valueTwo & c.value & 0xffffffffn);
        return [ld(lo), stmt(BPF_ALU | BPF_AND | BPF_K, vl), j(BPF_JEQ, datum, 0, FAIL)];
      }
    }
  }
  switch (c.op) {
    case 'SCMP_CMP_EQ':
      return [ld(hi), j(BPF_JEQ, vh, 0, FAIL), ld(lo), j(BPF_JEQ, vl, 0, FAIL)];
    case 'SCMP_CMP_NE':
      // Holds when either half differs: a differing high half skips the low test.
      return [ld(hi), j(BPF_JEQ, vh, 0, 2), ld(lo), j(BPF_JEQ, vl, FAIL, 0)];
    case 'SCMP_CMP_GT':
      return [ld(hi), j(BPF_JGT, vh, 3, 0), j(BPF_JEQ, vh, 0, FAIL), ld(lo), j(BPF_JGT, vl, 0, FAIL)];
    case 'SCMP_CMP_GE':
      return [ld(hi), j(BPF_JGT, vh, 3, 0), j(BPF_JEQ, vh, 0, FAIL), ld(lo), j(BPF_JGE, vl, 0, FAIL)];
    case 'SCMP_CMP_LT':
      return [ld(hi), j(BPF_JGE, vh, 0, 3), j(BPF_JEQ, vh, 0, FAIL), ld(lo), j(BPF_JGE, vl, FAIL, 0)];
    case 'SCMP_CMP_LE':
      return [ld(hi), j(BPF_JGE, vh, 0, 3), j(BPF_JEQ, vh, 0, FAIL), ld(lo), j(BPF_JGT, vl, FAIL, 0)];
    case 'SCMP_CMP_MASKED_EQ': {
      const datum = c.valueTwo & c.value;
      const low = [ld(lo), stmt(BPF_ALU | BPF_AND | BPF_K, vl), j(BPF_JEQ, Number(datum & 0xffffffffn), 0, FAIL)];
      // A mask with no high bits makes the high half hold always (clone's flags).
      if (vh === 0) return low;
      return [ld(hi), stmt(BPF_ALU | BPF_AND | BPF_K, vh), j(BPF_JEQ, Number(datum >> 32n), 0, FAIL), ...low];
    }
  }
}

function ret(value: number): SockFilter {
  return stmt(BPF_RET | BPF_K, value);
}
