import { describe, expect, it } from 'vitest';
import { humanSize } from './human-size.js';

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
