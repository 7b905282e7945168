import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { SYSCALLS } from '@gc/syscall';
import { describe, expect, it } from 'vitest';
import { isKnownSyscall, seccompSyscallName, seccompSyscallNumber } from './syscall-names.js';
import { SYSCALL_TABLES, type TableArch } from './syscall-tables.js';

const ASM = '/usr/include/x86_64-linux-gnu/asm';
const GENERIC = '/usr/include/asm-generic/unistd.h';

/** `#define __NR_name N` lines of a header; an independent reading from the generator's. */
function defines(text: string, pattern: RegExp, add = 0): Map<string, number> {
  return new Map([...text.matchAll(pattern)].map((m) => [m[1] as string, Number(m[2]) + add]));
}

function expectHeaderIn(arch: TableArch, header: Map<string, number>): void {
  const table = SYSCALL_TABLES[arch];
  const wrong = [...header].filter(([name, nr]) => table[name] !== nr);
  expect(wrong, `${arch} entries that differ from the header`).toEqual([]);
  // Whatever the table has beyond the header is newer than it (451 and up, below x32's 512-547).
  const newer = (nr: number) => (nr & 0x3fffffff) >= 451 && (nr & 0x3fffffff) < 512;
  const extra = Object.entries(table).filter(([name, nr]) => !header.has(name) && !newer(nr));
  expect(extra, `${arch} entries the header lacks`).toEqual(
    arch === 'x86_64'
      ? [
          ['uretprobe', 335],
          ['uprobe', 336],
        ]
      : [],
  );
}

describe('syscall tables', () => {
  it.skipIf(!existsSync(`${ASM}/unistd_64.h`))('match asm/unistd_64.h, unistd_x32.h and unistd_32.h', () => {
    const read = (f: string) => readFileSync(`${ASM}/${f}`, 'utf8');
    expectHeaderIn('x86_64', defines(read('unistd_64.h'), /^#define __NR_(\w+) (\d+)$/gm));
    expectHeaderIn('x86', defines(read('unistd_32.h'), /^#define __NR_(\w+) (\d+)$/gm));
    expectHeaderIn(
      'x32',
      defines(read('unistd_x32.h'), /^#define __NR_(\w+) \(__X32_SYSCALL_BIT \+ (\d+)\)$/gm, 0x40000000),
    );
  });

  it.skipIf(!existsSync(GENERIC))('match asm-generic/unistd.h for aarch64', () => {
    const text = readFileSync(GENERIC, 'utf8');
    const header = defines(text, /^#define __NR_(\w+)\s+(\d+)$/gm);
    header.delete('syscalls');
    header.delete('arch_specific_syscall');
    // 64-bit names of the __NR3264_ calls (fcntl, lseek, mmap, fstatat -> newfstatat, ...).
    const for64: Record<string, string> = { fstatat: 'newfstatat', fstat: 'fstat', fadvise64: 'fadvise64' };
    for (const [name, nr] of defines(text, /^#define __NR3264_(\w+) (\d+)$/gm)) header.set(for64[name] ?? name, nr);
    // The header also holds 32-bit-only and #ifdef'd entries (time64 calls, sync_file_range2):
    // compare what both have, and require every table entry to be in the header.
    const table = SYSCALL_TABLES.aarch64;
    const wrong = [...header].filter(([name, nr]) => table[name] !== undefined && table[name] !== nr);
    expect(wrong).toEqual([]);
    expect(Object.keys(table).filter((n) => !header.has(n) && (table[n] as number) < 451)).toEqual([]);
  });

  it.skipIf(!existsSync(GENERIC))('agree with cpp on asm-generic/unistd.h (as arm64 includes it)', () => {
    let out: string;
    try {
      out = execFileSync(
        'cpp',
        ['-dM', '-D__BITS_PER_LONG=64', '-D__ARCH_WANT_RENAMEAT', '-D__ARCH_WANT_NEW_STAT', GENERIC],
        { encoding: 'utf8' },
      );
    } catch {
      return; // no cpp here
    }
    expect(/#define __NR_newfstatat __NR3264_fstatat/.test(out)).toBe(true);
    expect(SYSCALL_TABLES.aarch64.renameat).toBe(38);
  });

  it('agree with @gc/syscall for every syscall both know', () => {
    for (const [name, nrs] of Object.entries(SYSCALLS)) {
      expect(seccompSyscallNumber(name, 'x86_64'), name).toBe(nrs.x64);
      expect(seccompSyscallNumber(name, 'aarch64') ?? null, name).toBe(nrs.arm64);
    }
  });

  it('name numbers and know other architectures', () => {
    expect(seccompSyscallNumber('mkdirat', 'x86_64')).toBe(258);
    expect(seccompSyscallNumber('mkdir', 'aarch64')).toBeUndefined();
    expect(seccompSyscallNumber('read', 'x32')).toBe(0x40000000);
    expect(seccompSyscallNumber('socketcall', 'x86')).toBe(102);
    expect(seccompSyscallNumber('set_tls', 'arm')).toBe(0x0f0005);
    expect(seccompSyscallNumber('mseal', 'aarch64')).toBe(462);
    expect(seccompSyscallName(165, 'x86_64')).toBe('mount');
    expect(isKnownSyscall('swapcontext')).toBe(true); // powerpc
    expect(isKnownSyscall('s390_runtime_instr')).toBe(true);
    expect(isKnownSyscall('frobnicate')).toBe(false);
    expect(isKnownSyscall('toString')).toBe(false);
  });
});
