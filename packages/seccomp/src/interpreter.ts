import {
  BPF_A,
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_DIV,
  BPF_IMM,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MEM,
  BPF_MISC,
  BPF_MOD,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RET,
  BPF_RSH,
  BPF_ST,
  BPF_STX,
  BPF_SUB,
  BPF_TXA,
  BPF_X,
  BPF_XOR,
  type SockFilter,
} from './bpf.js';
import { BPF_MAXINSNS, SECCOMP_DATA_SIZE } from './constants.js';

/** `struct seccomp_data`: what a filter sees of a syscall. */
export interface SeccompData {
  readonly nr: number;
  /** AUDIT_ARCH_* */
  readonly arch: number;
  readonly instructionPointer?: bigint;
  /** Up to six arguments, unsigned 64-bit (missing ones are 0). */
  readonly args?: readonly bigint[];
}

export interface FilterResult {
  /** The filter's return value (action | data). */
  readonly value: number;
  /** How many instructions ran. */
  readonly steps: number;
}

/** `struct seccomp_data` as the kernel lays it out (little-endian). */
export function seccompDataBytes(data: SeccompData): DataView {
  const view = new DataView(new ArrayBuffer(SECCOMP_DATA_SIZE));
  view.setUint32(0, data.nr >>> 0, true);
  view.setUint32(4, data.arch >>> 0, true);
  view.setBigUint64(8, BigInt.asUintN(64, data.instructionPointer ?? 0n), true);
  for (let i = 0; i < 6; i++) view.setBigUint64(16 + i * 8, BigInt.asUintN(64, data.args?.[i] ?? 0n), true);
  return view;
}

/**
 * Run a classic BPF seccomp filter on `data`, as the kernel would: the
 * instructions seccomp accepts (loads of `seccomp_data` words, scratch memory,
 * ALU, forward jumps, returns). Throws on a filter the kernel would refuse.
 */
export function runFilter(filter: readonly SockFilter[], data: SeccompData): FilterResult {
  checkFilter(filter);
  const mem = seccompDataBytes(data);
  const scratch = new Uint32Array(16);
  let a = 0;
  let x = 0;
  let pc = 0;
  let steps = 0;
  for (;;) {
    const ins = filter[pc] as SockFilter;
    steps++;
    pc++;
    const cls = ins.code & 0x07;
    switch (cls) {
      case BPF_LD:
        if (ins.code === (BPF_LD | BPF_ABS)) {
          if (ins.k % 4 !== 0 || ins.k + 4 > SECCOMP_DATA_SIZE)
            throw new RangeError(`load of seccomp_data offset ${ins.k}`);
          a = mem.getUint32(ins.k, true);
        } else if (ins.code === (BPF_LD | BPF_IMM)) a = ins.k;
        else if (ins.code === (BPF_LD | BPF_MEM)) a = scratch[ins.k & 15] as number;
        else if (ins.code === (BPF_LD | BPF_LEN)) a = SECCOMP_DATA_SIZE;
        else throw new RangeError(`unsupported load 0x${ins.code.toString(16)} at ${pc - 1}`);
        break;
      case BPF_LDX:
        if (ins.code === (BPF_LDX | BPF_IMM)) x = ins.k;
        else if (ins.code === (BPF_LDX | BPF_MEM)) x = scratch[ins.k & 15] as number;
        else if (ins.code === (BPF_LDX | BPF_LEN)) x = SECCOMP_DATA_SIZE;
        else throw new RangeError(`unsupported ldx 0x${ins.code.toString(16)} at ${pc - 1}`);
        break;
      case BPF_ST:
        scratch[ins.k & 15] = a;
        break;
      case BPF_STX:
        scratch[ins.k & 15] = x;
        break;
      case BPF_ALU:
        a = alu(ins.code & 0xf0, a, ins.code & BPF_X ? x : ins.k, pc - 1);
        break;
      case BPF_JMP: {
        const op = ins.code & 0xf0;
        if (op === BPF_JA) {
          pc += ins.k;
          break;
        }
        const src = ins.code & BPF_X ? x : ins.k;
        let taken: boolean;
        if (op === BPF_JEQ) taken = a === src;
        else if (op === BPF_JGT) taken = a > src;
        else if (op === BPF_JGE) taken = a >= src;
        else if (op === BPF_JSET) taken = (a & src) !== 0;
        else throw new RangeError(`unsupported jump 0x${ins.code.toString(16)} at ${pc - 1}`);
        pc += taken ? ins.jt : ins.jf;
        break;
      }
      case BPF_RET:
        return { value: (ins.code & BPF_A ? a : ins.k) >>> 0, steps };
      case BPF_MISC:
        if (ins.code & BPF_TXA) a = x;
        else x = a;
        break;
    }
    a >>>= 0;
    x >>>= 0;
    if (pc >= filter.length) throw new RangeError('the filter ran past its last instruction');
  }
}

function alu(op: number, a: number, src: number, at: number): number {
  switch (op) {
    case BPF_ADD:
      return (a + src) >>> 0;
    case BPF_SUB:
      return (a - src) >>> 0;
    case BPF_MUL:
      return Math.imul(a, src) >>> 0;
    case BPF_DIV:
      return src === 0 ? 0 : Math.floor(a / src);
    case BPF_MOD:
      return src === 0 ? a : a % src;
    case BPF_OR:
      return (a | src) >>> 0;
    case BPF_AND:
      return (a & src) >>> 0;
    case BPF_XOR:
      return (a ^ src) >>> 0;
    case BPF_LSH:
      return src >= 32 ? 0 : (a << src) >>> 0;
    case BPF_RSH:
      return src >= 32 ? 0 : a >>> src;
    case BPF_NEG:
      return -a >>> 0;
    default:
      throw new RangeError(`unsupported ALU op 0x${op.toString(16)} at ${at}`);
  }
}

/** The kernel's structural checks (bpf_check_classic): size, jumps in range, a return last. */
export function checkFilter(filter: readonly SockFilter[]): void {
  if (filter.length === 0 || filter.length > BPF_MAXINSNS) {
    throw new RangeError(`a filter has 1..${BPF_MAXINSNS} instructions, not ${filter.length}`);
  }
  filter.forEach((ins, i) => {
    if ((ins.code & 0x07) !== BPF_JMP) return;
    const rest = filter.length - i - 1;
    const far = (ins.code & 0xf0) === BPF_JA ? ins.k : Math.max(ins.jt, ins.jf);
    if (far >= rest) throw new RangeError(`instruction ${i} jumps past the end of the filter`);
  });
  const last = filter[filter.length - 1] as SockFilter;
  if ((last.code & 0x07) !== BPF_RET) throw new RangeError('the last instruction of a filter must be a return');
}
