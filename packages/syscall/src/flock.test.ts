import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_EX, LOCK_NB, LOCK_UN } from './constants.js';
import { SyscallError } from './errors.js';
import { createKernel } from './real-kernel.js';

describe('flock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second open file the lock with EAGAIN until the first unlocks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-flock-'));
    dirs.push(dir);
    const kernel = createKernel();
    const a = openSync(join(dir, 'lock'), 'w');
    const b = openSync(join(dir, 'lock'), 'w');
    try {
      kernel.flock(a, LOCK_EX | LOCK_NB);
      let error: unknown;
      try {
        kernel.flock(b, LOCK_EX | LOCK_NB);
      } catch (e) {
        error = e;
      }
      expect(SyscallError.isInstance(error) && error.errnoCode).toBe('EAGAIN');
      expect(String(error)).toMatch(/flock .* on fd \d+: EAGAIN/);
      kernel.flock(a, LOCK_UN);
      kernel.flock(b, LOCK_EX | LOCK_NB);
    } finally {
      closeSync(a);
      closeSync(b);
    }
  });
});
