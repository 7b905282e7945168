import {
  alu32Imm,
  alu32Reg,
  BPF_AND,
  BPF_DEVCG_DEV_BLOCK,
  BPF_DEVCG_DEV_CHAR,
  BPF_JEQ,
  BPF_JNE,
  BPF_MOV,
  BPF_RSH,
  type BpfInsn,
  exit,
  jump32Imm,
  loadWord,
  R0,
  R1,
} from './ebpf.js';
import type { DeviceRule } from './rule.js';

// Registers: R1 the context on entry, then scratch; R2 the device type,
// R3 the access asked for, R4 the major, R5 the minor, R6 the access bits
// not decided yet.
const TYPE = 2;
const ACCESS = 3;
const MAJOR = 4;
const MINOR = 5;
const PENDING = 6;

/** The program's result: 1 lets the access through, 0 refuses it (EPERM). */
const ALLOW = 1;
const DENY = 0;

/**
 * A `BPF_PROG_TYPE_CGROUP_DEVICE` program for a rule list, with the meaning
 * `deviceAllowed` gives it (last match wins, per access bit, default deny).
 * Modelled on runc's devicefilter (itself from crun's ebpf.c): the same
 * prologue reading `struct bpf_cgroup_dev_ctx`, then one block per rule that
 * jumps to the next block on a mismatch. runc first reduces the list with its
 * cgroup v1 emulator so that every block has the same action; here the
 * blocks run from the last rule back, keeping the access bits still to be
 * decided in R6: a deny rule that covers one of them refuses, an allow rule
 * clears the bits it covers, and the access is allowed once none is left.
 */
export function compileDeviceFilter(rules: readonly DeviceRule[]): BpfInsn[] {
  const insns: BpfInsn[] = [
    loadWord(TYPE, R1, 0),
    alu32Imm(BPF_AND, TYPE, 0xffff),
    loadWord(ACCESS, R1, 0),
    alu32Imm(BPF_RSH, ACCESS, 16),
    loadWord(MAJOR, R1, 4),
    loadWord(MINOR, R1, 8),
    alu32Reg(BPF_MOV, PENDING, ACCESS),
  ];
  /** Jumps to patch to the end of the block being made, by index. */
  let toNext: number[] = [];
  const skip = (insn: (off: number) => BpfInsn) => {
    toNext.push(insns.length);
    insns.push(insn(0));
  };
  const settle = () => {
    for (const at of toNext) insns[at] = { ...(insns[at] as BpfInsn), off: insns.length - at - 1 };
    toNext = [];
  };
  // No access asked for: nothing to allow (the kernel never asks so).
  insns.push(jump32Imm(BPF_JNE, ACCESS, 0, 2), alu32Imm(BPF_MOV, R0, DENY), exit());
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as DeviceRule;
    if (rule.type !== 'a') {
      const type = rule.type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
      skip((off) => jump32Imm(BPF_JNE, TYPE, type, off));
    }
    if (rule.major !== undefined) {
      const major = rule.major;
      skip((off) => jump32Imm(BPF_JNE, MAJOR, major, off));
    }
    if (rule.minor !== undefined) {
      const minor = rule.minor;
      skip((off) => jump32Imm(BPF_JNE, MINOR, minor, off));
    }
    // Does the rule cover a bit still to decide?
    insns.push(alu32Reg(BPF_MOV, R1, PENDING), alu32Imm(BPF_AND, R1, rule.access));
    skip((off) => jump32Imm(BPF_JEQ, R1, 0, off));
    if (!rule.allow) {
      insns.push(alu32Imm(BPF_MOV, R0, DENY), exit());
    } else {
      // Bits the kernel might add one day stay pending, so they are refused.
      insns.push(alu32Imm(BPF_AND, PENDING, ~rule.access));
      skip((off) => jump32Imm(BPF_JNE, PENDING, 0, off));
      insns.push(alu32Imm(BPF_MOV, R0, ALLOW), exit());
    }
    settle();
  }
  insns.push(alu32Imm(BPF_MOV, R0, DENY), exit());
  return insns;
}
