// Classic BPF as seccomp uses it (include/uapi/linux/filter.h, bpf_common.h).

/** One `struct sock_filter`. */
export interface SockFilter {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

// Instruction classes
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;
// Sizes and modes
export const BPF_W = 0x00;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
// ALU and jump operations
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
// Sources
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_A = 0x10;
// Misc
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** The size of one encoded `struct sock_filter`. */
export const SOCK_FILTER_SIZE = 8;

export function stmt(code: number, k: number): SockFilter {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

export function jump(code: number, k: number, jt: number, jf: number): SockFilter {
  return { code, jt, jf, k: k >>> 0 };
}

/** The filter as the kernel reads it: `{ u16 code; u8 jt; u8 jf; u32 k }` each, little-endian (x86_64, aarch64). */
export function encodeFilter(filter: readonly SockFilter[]): Uint8Array {
  const out = new Uint8Array(filter.length * SOCK_FILTER_SIZE);
  const view = new DataView(out.buffer);
  filter.forEach((ins, i) => {
    const at = i * SOCK_FILTER_SIZE;
    view.setUint16(at, ins.code, true);
    view.setUint8(at + 2, ins.jt);
    view.setUint8(at + 3, ins.jf);
    view.setUint32(at + 4, ins.k >>> 0, true);
  });
  return out;
}

/** The inverse of `encodeFilter`. */
export function decodeFilter(bytes: Uint8Array): SockFilter[] {
  if (bytes.length % SOCK_FILTER_SIZE !== 0) throw new RangeError(`${bytes.length} bytes is not a whole filter`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: SockFilter[] = [];
  for (let at = 0; at < bytes.length; at += SOCK_FILTER_SIZE) {
    out.push({
      code: view.getUint16(at, true),
      jt: view.getUint8(at + 2),
      jf: view.getUint8(at + 3),
      k: view.getUint32(at + 4, true),
    });
  }
  return out;
}

const JMP_NAMES: Record<number, string> = { [BPF_JEQ]: 'jeq', [BPF_JGT]: 'jgt', [BPF_JGE]: 'jge', [BPF_JSET]: 'jset' };
const ALU_NAMES: Record<number, string> = {
  [BPF_ADD]: 'add',
  [BPF_SUB]: 'sub',
  [BPF_MUL]: 'mul',
  [BPF_DIV]: 'div',
  [BPF_OR]: 'or',
  [BPF_AND]: 'and',
  [BPF_LSH]: 'lsh',
  [BPF_RSH]: 'rsh',
  [BPF_MOD]: 'mod',
  [BPF_XOR]: 'xor',
};

/** A `bpf_dbg`-like listing, one instruction a line, jump targets as absolute lines. */
export function disassemble(filter: readonly SockFilter[]): string {
  const hex = (k: number) => `0x${(k >>> 0).toString(16)}`;
  return filter
    .map((ins, i) => {
      const cls = ins.code & 0x07;
      const op = ins.code & 0xf0;
      const src = ins.code & 0x08 ? 'x' : hex(ins.k);
      let text: string;
      if (ins.code === (BPF_LD | BPF_W | BPF_ABS)) text = `ld [${ins.k}]`;
      else if (cls === BPF_JMP && op === BPF_JA) text = `ja ${i + 1 + ins.k}`;
      else if (cls === BPF_JMP) text = `${JMP_NAMES[op] ?? '?'} ${src}, ${i + 1 + ins.jt}, ${i + 1 + ins.jf}`;
      else if (cls === BPF_RET) text = ins.code & BPF_A ? 'ret a' : `ret ${hex(ins.k)}`;
      else if (cls === BPF_ALU) text = op === BPF_NEG ? 'neg' : `${ALU_NAMES[op] ?? '?'} ${src}`;
      else text = `code ${hex(ins.code)} k ${hex(ins.k)}`;
      return `${String(i).padStart(4)}: ${text}`;
    })
    .join('\n');
}
