import {
  BPF_ADD,
  BPF_ALU,
  BPF_ALU64,
  BPF_AND,
  BPF_B,
  BPF_DEVCG_DEV_BLOCK,
  BPF_DEVCG_DEV_CHAR,
  BPF_DW,
  BPF_EXIT,
  BPF_H,
  BPF_JA,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JMP32,
  BPF_JNE,
  BPF_JSET,
  BPF_LDX,
  BPF_LSH,
  BPF_MEM,
  BPF_MOV,
  BPF_OR,
  BPF_RSH,
  BPF_SUB,
  BPF_W,
  BPF_X,
  BPF_XOR,
  type BpfInsn,
  DEV_CTX_SIZE,
} from './ebpf.js';
import type { DeviceRequest } from './evaluate.js';

const U64 = (1n << 64n) - 1n;
const U32 = (1n << 32n) - 1n;
const SIZES: Readonly<Record<number, number>> = { [BPF_W]: 4, [BPF_H]: 2, [BPF_B]: 1, [BPF_DW]: 8 };

/** `struct bpf_cgroup_dev_ctx` for a request, as the kernel fills it. */
export function deviceContext(req: DeviceRequest): Uint8Array {
  const ctx = new Uint8Array(DEV_CTX_SIZE);
  const view = new DataView(ctx.buffer);
  const type = req.type === 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
  view.setUint32(0, ((req.access << 16) | type) >>> 0, true);
  view.setUint32(4, req.major, true);
  view.setUint32(8, req.minor, true);
  return ctx;
}

/**
 * Run an eBPF program on a context, as the kernel would (the instructions a
 * device filter can use; anything else throws). It refuses what the verifier
 * refuses for such a program: reading a register never written, loads outside
 * the context, jumps out of the program, falling off its end, loops. Returns R0.
 */
export function runBpf(insns: readonly BpfInsn[], ctx: Uint8Array): number {
  const regs: (bigint | undefined)[] = new Array(11).fill(undefined);
  // R1 holds the context pointer until written; R10 the frame pointer (read-only).
  regs[1] = 0n;
  regs[10] = 0n;
  let ctxInR1 = true;
  const get = (r: number, pc: number): bigint => {
    const v = regs[r];
    if (v === undefined) throw new Error(`insn ${pc}: R${r} is read before it is written`);
    return v;
  };
  const view = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
  let pc = 0;
  for (let steps = 0; ; steps++) {
    if (steps > insns.length) throw new Error('the program loops');
    const insn = insns[pc];
    if (!insn) throw new Error(`insn ${pc}: outside the program (${insns.length} instructions)`);
    const cls = insn.code & 0x07;
    const op = insn.code & 0xf0;
    const srcReg = (insn.code & BPF_X) !== 0;
    if (cls === BPF_LDX) {
      const size = SIZES[insn.code & 0x18] as number;
      if ((insn.code & 0xe0) !== BPF_MEM || insn.src !== 1 || !ctxInR1) {
        throw new Error(`insn ${pc}: only loads from the context are allowed`);
      }
      if (insn.off < 0 || insn.off + size > ctx.byteLength || insn.off % size !== 0) {
        throw new Error(`insn ${pc}: load of ${size} bytes at ${insn.off} is outside the context`);
      }
      const v =
        size === 8
          ? view.getBigUint64(insn.off, true)
          : BigInt(
              size === 4
                ? view.getUint32(insn.off, true)
                : size === 2
                  ? view.getUint16(insn.off, true)
                  : view.getUint8(insn.off),
            );
      if (insn.dst === 10) throw new Error(`insn ${pc}: R10 is read-only`);
      if (insn.dst === 1) ctxInR1 = false;
      regs[insn.dst] = v;
    } else if (cls === BPF_ALU || cls === BPF_ALU64) {
      const wide = cls === BPF_ALU64;
      const mask = wide ? U64 : U32;
      const b = (srcReg ? get(insn.src, pc) : BigInt.asUintN(64, BigInt(insn.imm))) & mask;
      if (srcReg && insn.src === 1 && ctxInR1) throw new Error(`insn ${pc}: arithmetic on the context pointer`);
      if (op !== BPF_MOV && insn.dst === 1 && ctxInR1) throw new Error(`insn ${pc}: arithmetic on the context pointer`);
      const a = op === BPF_MOV ? 0n : get(insn.dst, pc) & mask;
      const shift = b & (wide ? 63n : 31n);
      let r: bigint;
      switch (op) {
        case BPF_ADD:
          r = a + b;
          break;
        case BPF_SUB:
          r = a - b;
          break;
        case BPF_OR:
          r = a | b;
          break;
        case BPF_AND:
          r = a & b;
          break;
        case BPF_XOR:
          r = a ^ b;
          break;
        case BPF_LSH:
          r = a << shift;
          break;
        case BPF_RSH:
          r = a >> shift;
          break;
        case BPF_MOV:
          r = b;
          break;
        default:
          throw new Error(`insn ${pc}: ALU operation 0x${op.toString(16)} is not supported`);
      }
      if (insn.dst === 10) throw new Error(`insn ${pc}: R10 is read-only`);
      if (insn.dst === 1) ctxInR1 = false;
      regs[insn.dst] = BigInt.asUintN(64, r) & mask;
    } else if (cls === BPF_JMP || cls === BPF_JMP32) {
      if (op === BPF_EXIT && cls === BPF_JMP) return Number(get(0, pc) & U32);
      let taken: boolean;
      if (op === BPF_JA && cls === BPF_JMP) taken = true;
      else {
        const mask = cls === BPF_JMP32 ? U32 : U64;
        const a = get(insn.dst, pc) & mask;
        const b = (srcReg ? get(insn.src, pc) : BigInt.asUintN(64, BigInt(insn.imm))) & mask;
        switch (op) {
          case BPF_JEQ:
            taken = a === b;
            break;
          case BPF_JNE:
            taken = a !== b;
            break;
          case BPF_JGT:
            taken = a > b;
            break;
          case BPF_JGE:
            taken = a >= b;
            break;
          case BPF_JSET:
            taken = (a & b) !== 0n;
            break;
          default:
            throw new Error(`insn ${pc}: jump operation 0x${op.toString(16)} is not supported`);
        }
      }
      if (taken) {
        if (insn.off < 0) throw new Error(`insn ${pc}: backward jump`);
        pc += insn.off;
      }
    } else {
      throw new Error(`insn ${pc}: instruction class ${cls} is not supported`);
    }
    pc++;
  }
}
