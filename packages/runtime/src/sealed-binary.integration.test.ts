import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKernel,
  F_GET_SEALS,
  F_SEAL_GROW,
  F_SEAL_SEAL,
  F_SEAL_SHRINK,
  F_SEAL_WRITE,
  SyscallError,
} from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { sealedBinaryFd } from './sealed-binary.js';

describe.skipIf(!canRunIntegration())('sealedBinaryFd (integration)', () => {
  const kernel = createKernel();
  const dir = mkdtempSync(join(tmpdir(), 'gc-sealed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the file byte for byte, sealed against every change, once per name', () => {
    const file = join(dir, 'tool');
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    writeFileSync(file, bytes, { mode: 0o755 });
    const fd = sealedBinaryFd(kernel, 'gc-test-tool', file);
    expect(readFileSync(`/proc/self/fd/${fd}`).equals(bytes)).toBe(true);
    const seals = kernel.fcntl(fd, F_GET_SEALS, 0);
    expect(seals & (F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL)).toBe(
      F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL,
    );
    let error: unknown;
    try {
      kernel.write(fd, Buffer.from('x'));
    } catch (e) {
      error = e;
    }
    expect(SyscallError.isInstance(error) && error.errnoCode).toBe('EPERM');
    expect(sealedBinaryFd(kernel, 'gc-test-tool', file)).toBe(fd);
  });
});
