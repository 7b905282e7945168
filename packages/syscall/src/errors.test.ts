import { describe, expect, it } from 'vitest';
import { GcError, SyscallError } from './errors.js';

describe('SyscallError', () => {
  it('reads label (package): ERRNO (message)', () => {
    const error = new SyscallError({ syscall: 'mount', errno: 1, label: 'mount proc on /proc', pkg: '@gc/rootfs' });
    expect(error.message).toBe('mount proc on /proc (rootfs): EPERM (Operation not permitted)');
    expect(error.code).toBe('EPERM');
    expect(error.errnoCode).toBe('EPERM');
    expect(error.syscall).toBe('mount');
    expect(SyscallError.isInstance(error)).toBe(true);
    expect(GcError.isInstance(error)).toBe(true);
  });

  it('defaults the label to the syscall and adds a path the label lacks', () => {
    expect(new SyscallError({ syscall: 'openat2', errno: 2, path: '/etc/passwd' }).message).toBe(
      'openat2 /etc/passwd: ENOENT (No such file or directory)',
    );
    expect(new SyscallError({ syscall: 'mount', errno: 16, label: 'mount /x', path: '/x' }).message).toBe(
      'mount /x: EBUSY (Device or resource busy)',
    );
  });

  it('is not a SyscallError when only a GcError', () => {
    expect(SyscallError.isInstance(new GcError('EARCH', 'x'))).toBe(false);
  });
});
