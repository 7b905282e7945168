// eBPF as the kernel takes it (include/uapi/linux/bpf.h, bpf_common.h): the
// subset a device filter needs, for the generator and the interpreter.

/** One `struct bpf_insn`. */
export interface BpfInsn {
  readonly code: number;
  readonly dst: number;
  readonly src: number;
  /** Signed 16-bit: a jump's offset from the next instruction, or a load's byte offset. */
  readonly off: number;
  /** Signed 32-bit immediate. */
  readonly imm: number;
}

// Instruction classes
export const BPF_LDX = 0x01;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;
// Load sizes and mode
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_DW = 0x18;
export const BPF_MEM = 0x60;
// ALU operations
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_XOR = 0xa0;
export const BPF_MOV = 0xb0;
// Jump operations
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_JNE = 0x50;
export const BPF_EXIT = 0x90;
// Sources
export const BPF_K = 0x00;
export const BPF_X = 0x08;

/** `struct bpf_cgroup_dev_ctx`: u32 access_type (access << 16 | type), u32 major, u32 minor. */
export const DEV_CTX_SIZE = 12;
/** `BPF_DEVCG_DEV_*`: the device type in the low 16 bits of access_type. */
export const BPF_DEVCG_DEV_BLOCK = 1;
export const BPF_DEVCG_DEV_CHAR = 2;

export const R0 = 0;
export const R1 = 1;

/** `dst = *(u32 *)(src + off)` */
export function loadWord(dst: number, src: number, off: number): BpfInsn {
  return { code: BPF_LDX | BPF_MEM | BPF_W, dst, src, off, imm: 0 };
}

/** A 32-bit ALU operation with an immediate (`w2 &= 0xffff`); the result is zero-extended. */
export function alu32Imm(op: number, dst: number, imm: number): BpfInsn {
  return { code: BPF_ALU | op | BPF_K, dst, src: 0, off: 0, imm: imm | 0 };
}

/** A 32-bit ALU operation on two registers (`w1 = w6`). */
export function alu32Reg(op: number, dst: number, src: number): BpfInsn {
  return { code: BPF_ALU | op | BPF_X, dst, src, off: 0, imm: 0 };
}

/** `if dst <op> imm goto +off` on the registers' low 32 bits. */
export function jump32Imm(op: number, dst: number, imm: number, off: number): BpfInsn {
  return { code: BPF_JMP32 | op | BPF_K, dst, src: 0, off, imm: imm | 0 };
}

export function exit(): BpfInsn {
  return { code: BPF_JMP | BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 };
}

/** The program as bpf(BPF_PROG_LOAD) takes it: 8 little-endian bytes per instruction. */
export function encodeInsns(insns: readonly BpfInsn[]): Uint8Array {
  const out = new Uint8Array(insns.length * 8);
  const view = new DataView(out.buffer);
  insns.forEach((insn, i) => {
    if (insn.off < -0x8000 || insn.off > 0x7fff)
      throw new RangeError(`insn ${i}: offset ${insn.off} is beyond 16 bits`);
    view.setUint8(i * 8, insn.code);
    view.setUint8(i * 8 + 1, (insn.dst & 0xf) | ((insn.src & 0xf) << 4));
    view.setInt16(i * 8 + 2, insn.off, true);
    view.setInt32(i * 8 + 4, insn.imm, true);
  });
  return out;
}

export function decodeInsns(bytes: Uint8Array): BpfInsn[] {
  if (bytes.byteLength % 8 !== 0)
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of instructions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const insns: BpfInsn[] = [];
  for (let i = 0; i < bytes.byteLength; i += 8) {
    const regs = view.getUint8(i + 1);
    insns.push({
      code: view.getUint8(i),
      dst: regs & 0xf,
      src: regs >> 4,
      off: view.getInt16(i + 2, true),
      imm: view.getInt32(i + 4, true),
    });
  }
  return insns;
}
