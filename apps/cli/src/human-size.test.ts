import { describe, expect, it } from 'vitest';
import { binarySize, humanSize } from './human-size.js';

describe('humanSize', () => {
  it('writes sizes as Docker does: decimal units, significant digits, no trailing zeros', () => {
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(512)).toBe('512B');
    expect(humanSize(1000)).toBe('1kB');
    expect(humanSize(1_200_000)).toBe('1.2MB');
    expect(humanSize(4_261_150)).toBe('4.261MB');
    expect(humanSize(4_261_150, 3)).toBe('4.26MB');
    expect(humanSize(1_234_567_890, 3)).toBe('1.23GB');
  });
});

describe('binarySize', () => {
  it('writes sizes as Docker writes memory: binary units, 4 significant digits', () => {
    expect(binarySize(0)).toBe('0B');
    expect(binarySize(1023)).toBe('1023B');
    expect(binarySize(1536 * 1024)).toBe('1.5MiB');
    expect(binarySize(8_192_000_000)).toBe('7.629GiB');
    expect(binarySize(64 * 1024 * 1024)).toBe('64MiB');
  });
});
