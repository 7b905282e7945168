import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyscallError } from './errors.js';
import { createKernel } from './real-kernel.js';

const kernel = createKernel();
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-copy-file-range-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('copyFileRange', () => {
  it('copies from an offset of one file to the file offset of another, and says where the input ends', () => {
    writeFileSync(join(dir, 'in'), '0123456789abcdef');
    const input = openSync(join(dir, 'in'), 'r');
    const output = openSync(join(dir, 'out'), 'w');
    try {
      kernel.write(output, 'head:');
      expect(kernel.copyFileRange?.(input, 4, output, 6)).toBe(6);
      expect(kernel.copyFileRange?.(input, 12, output, 100)).toBe(4);
      expect(kernel.copyFileRange?.(input, 16, output, 100)).toBe(0);
    } finally {
      closeSync(input);
      closeSync(output);
    }
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('head:456789cdef');
  });

  it('fails with a SyscallError naming the fds', () => {
    const output = openSync(join(dir, 'out'), 'w');
    try {
      const error = (() => {
        try {
          kernel.copyFileRange?.(output, 0, output, 1);
        } catch (e) {
          return e;
        }
      })();
      expect(SyscallError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(`copy fd ${output} to fd ${output}: E`);
    } finally {
      closeSync(output);
    }
  });
});
