import { describe, expect, it } from 'vitest';
import {
  ARCH_OPEN_FLAGS,
  CLONE_FLAG_NAMES,
  CLONE_INTO_CGROUP,
  CLONE_NEWNS,
  CLONE_NEWTIME,
  CLONE_NEWUSER,
  MS_FLAG_NAMES,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_RDWR,
  openFlagsToString,
  PR_OPTION_NAMES,
} from './constants.js';
import { enumToString, flagsToString } from './flags.js';

describe('flag constants', () => {
  it('keep the kernel values that differ by arch apart', () => {
    expect(O_DIRECTORY).toBe(0o200000);
    expect(ARCH_OPEN_FLAGS.arm64.O_DIRECTORY).toBe(0o40000);
    expect(ARCH_OPEN_FLAGS.arm64.O_NOFOLLOW).toBe(0o100000);
    expect(CLONE_NEWTIME).toBe(0x80);
    expect(CLONE_INTO_CGROUP).toBe(0x200000000n);
  });
});

describe('flagsToString', () => {
  it('names set bits in table order', () => {
    expect(flagsToString(MS_NOSUID | MS_NODEV | MS_NOEXEC, MS_FLAG_NAMES)).toBe('MS_NOSUID|MS_NODEV|MS_NOEXEC');
    expect(flagsToString(CLONE_NEWUSER | CLONE_NEWNS, CLONE_FLAG_NAMES)).toBe('CLONE_NEWNS|CLONE_NEWUSER');
  });

  it('takes bigints, prints leftovers in hex and zero as 0', () => {
    expect(flagsToString(CLONE_INTO_CGROUP | BigInt(CLONE_NEWNS), CLONE_FLAG_NAMES)).toBe(
      'CLONE_NEWNS|CLONE_INTO_CGROUP',
    );
    expect(flagsToString(0x10000000000n | 2n, MS_FLAG_NAMES)).toBe('MS_NOSUID|0x10000000000');
    expect(flagsToString(0, MS_FLAG_NAMES)).toBe('0');
  });

  it('reads bit 31 set by `|` (a negative number) as unsigned', () => {
    expect(flagsToString(0x80000000 | MS_NOSUID, MS_FLAG_NAMES)).toBe('MS_NOSUID|MS_NOUSER');
  });

  it('names open flags with the access mode first, per arch', () => {
    expect(openFlagsToString(O_RDWR | O_CREAT | O_CLOEXEC, 'x64')).toBe('O_RDWR|O_CREAT|O_CLOEXEC');
    expect(openFlagsToString(0o40000, 'arm64')).toBe('O_RDONLY|O_DIRECTORY');
    expect(openFlagsToString(0o40000, 'x64')).toBe('O_RDONLY|O_DIRECT');
    expect(openFlagsToString(0o20200000, 'x64')).toBe('O_RDONLY|O_TMPFILE');
  });

  it('names enum values', () => {
    expect(enumToString(38, PR_OPTION_NAMES)).toBe('PR_SET_NO_NEW_PRIVS');
    expect(enumToString(999, PR_OPTION_NAMES)).toBe('999');
  });
});
