import { describe, expect, it } from 'vitest';
import {
  BPF_A,
  BPF_ABS,
  BPF_ALU,
  BPF_JA,
  BPF_JEQ,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LEN,
  BPF_MEM,
  BPF_MISC,
  BPF_RET,
  BPF_ST,
  BPF_TAX,
  BPF_TXA,
  BPF_W,
  BPF_X,
  decodeFilter,
  disassemble,
  encodeFilter,
  jump,
  stmt,
} from './bpf.js';
import { AUDIT_ARCH_X86_64 } from './constants.js';
import { checkFilter, runFilter, seccompDataBytes } from './interpreter.js';

const data = { nr: 59, arch: AUDIT_ARCH_X86_64, instructionPointer: 0x1234n, args: [0x1_0000_0002n, 7n] };

describe('the BPF interpreter', () => {
  it('lays out seccomp_data as the kernel does', () => {
    const v = seccompDataBytes(data);
    expect(v.getUint32(0, true)).toBe(59);
    expect(v.getUint32(4, true)).toBe(AUDIT_ARCH_X86_64);
    expect(v.getBigUint64(8, true)).toBe(0x1234n);
    expect(v.getUint32(16, true)).toBe(2); // args[0] low half
    expect(v.getUint32(20, true)).toBe(1); // args[0] high half
  });

  it('runs loads, ALU, scratch memory, jumps and returns', () => {
    const prog = [
      stmt(BPF_LD | BPF_W | BPF_ABS, 16), // A = 2
      stmt(BPF_ALU | 0x00 | BPF_K, 40), // A += 40
      stmt(BPF_ST, 3), // M[3] = 42
      stmt(BPF_MISC | BPF_TAX, 0), // X = 42
      stmt(BPF_LD | BPF_W | BPF_LEN, 0), // A = 64
      jump(BPF_JMP | BPF_JSET | BPF_K, 0x40, 1, 0),
      stmt(BPF_RET | BPF_K, 1),
      stmt(BPF_LD | BPF_MEM, 3), // A = 42
      jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0), // A == X
      stmt(BPF_RET | BPF_K, 2),
      stmt(BPF_JMP | BPF_JA, 1),
      stmt(BPF_RET | BPF_K, 3),
      stmt(BPF_MISC | BPF_TXA, 0),
      stmt(BPF_RET | BPF_A, 0),
    ];
    expect(runFilter(prog, data)).toEqual({ value: 42, steps: 11 });
  });

  it('refuses what the kernel refuses', () => {
    expect(() => checkFilter([])).toThrow(/1\.\.4096/);
    expect(() => checkFilter([stmt(BPF_LD | BPF_W | BPF_ABS, 0)])).toThrow(/last instruction/);
    expect(() => checkFilter([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), stmt(BPF_RET | BPF_K, 0)])).toThrow(
      /jumps past/,
    );
    expect(() => runFilter([stmt(BPF_LD | BPF_W | BPF_ABS, 64), stmt(BPF_RET | BPF_K, 0)], data)).toThrow(/offset 64/);
  });

  it('encodes struct sock_filter and back, and disassembles', () => {
    const prog = [
      stmt(BPF_LD | BPF_W | BPF_ABS, 4),
      jump(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      stmt(BPF_RET | BPF_K, 0),
      stmt(BPF_RET | BPF_K, 0x7fff0000),
    ];
    const bytes = encodeFilter(prog);
    expect([...bytes.subarray(8, 16)]).toEqual([0x15, 0, 1, 0, 0x3e, 0, 0, 0xc0]);
    expect(decodeFilter(bytes)).toEqual(prog);
    expect(disassemble(prog)).toBe('   0: ld [4]\n   1: jeq 0xc000003e, 3, 2\n   2: ret 0x0\n   3: ret 0x7fff0000');
  });
});
