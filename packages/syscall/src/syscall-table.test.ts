import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GcError } from './errors.js';
import { SYSCALLS, syscallName, syscallNumber } from './syscall-table.js';

const X64_HEADER = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
const GENERIC_HEADER = '/usr/include/asm-generic/unistd.h';

function parseDefines(text: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(new RegExp(`^#define ${prefix}(\\w+)\\s+(\\w+)`, 'gm'))) {
    if (!out.has(m[1] as string)) out.set(m[1] as string, m[2] as string);
  }
  return out;
}

describe('syscall table', () => {
  it.skipIf(!existsSync(X64_HEADER))('matches asm/unistd_64.h for every x64 number', () => {
    const defines = parseDefines(readFileSync(X64_HEADER, 'utf8'), '__NR_');
    for (const [name, numbers] of Object.entries(SYSCALLS)) {
      expect({ name, nr: Number(defines.get(name)) }).toEqual({ name, nr: numbers.x64 });
    }
  });

  it.skipIf(!existsSync(GENERIC_HEADER))(
    'matches asm-generic/unistd.h for arm64, null where it has no such call',
    () => {
      const text = readFileSync(GENERIC_HEADER, 'utf8');
      const nr3264 = parseDefines(text, '__NR3264_');
      const defines = parseDefines(text, '__NR_');
      // An alias to a __NR3264_ name the header never numbers (stat, lstat) is no call at all.
      const resolve = (v: string | undefined) => {
        const nr = v?.startsWith('__NR3264_') ? nr3264.get(v.slice(9)) : v;
        return nr === undefined ? null : Number(nr);
      };
      for (const [name, numbers] of Object.entries(SYSCALLS)) {
        expect({ name, nr: resolve(defines.get(name)) }).toEqual({ name, nr: numbers.arm64 });
      }
    },
  );

  it('knows arm64 numbers without headers', () => {
    expect(syscallNumber('openat', 'arm64')).toBe(56);
    expect(syscallNumber('mount', 'arm64')).toBe(40);
    expect(syscallNumber('pivot_root', 'arm64')).toBe(41);
    expect(syscallNumber('execve', 'arm64')).toBe(221);
    expect(syscallNumber('clone3', 'arm64')).toBe(435);
    expect(syscallNumber('mount', 'x64')).toBe(165);
    expect(syscallNumber('pivot_root', 'x64')).toBe(155);
  });

  it('maps numbers back to names per arch', () => {
    expect(syscallName(40, 'arm64')).toBe('mount');
    expect(syscallName(165, 'x64')).toBe('mount');
    expect(syscallName(9999, 'x64')).toBeUndefined();
  });

  it('throws ENOSYS_ARCH naming the syscall and arch', () => {
    let error: unknown;
    try {
      syscallNumber('open', 'arm64');
    } catch (e) {
      error = e;
    }
    expect(GcError.isInstance(error) && error.code).toBe('ENOSYS_ARCH');
    expect((error as Error).message).toBe('syscall open does not exist on arm64 (planning for arm64)');
    expect(() => syscallNumber('nope', 'x64')).toThrow('syscall nope is not in the syscall table');
  });
});
