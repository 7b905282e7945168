import { describe, expect, it } from 'vitest';
import { hash32 } from './hash32.js';

describe('hash32', () => {
  it('is deterministic, and seeded', () => {
    expect(hash32(new Uint8Array(0))).toBe(hash32(new Uint8Array(0)));
    expect(hash32(new Uint8Array([1]))).not.toBe(hash32(new Uint8Array([2])));
    expect(hash32(new Uint8Array([1]), 1)).not.toBe(hash32(new Uint8Array([1]), 2));
  });

  it('reads any alignment and length alike', () => {
    const data = Buffer.from('the quick brown fox jumps over the lazy dog, twice over');
    for (let start = 0; start < 4; start++) {
      for (const end of [data.length, data.length - 1, data.length - 2, data.length - 3]) {
        const backing = new Uint8Array(end - start + 8);
        backing.set(data.subarray(start, end), 1);
        const unaligned = backing.subarray(1, 1 + end - start);
        expect(hash32(unaligned)).toBe(hash32(new Uint8Array(data.subarray(start, end))));
      }
    }
  });

  it('changes with any one byte', () => {
    const data = new Uint8Array(64).map((_, i) => i * 7);
    const base = hash32(data);
    const seen = new Set([base]);
    for (let i = 0; i < data.length; i++) {
      const copy = data.slice();
      copy[i] = (copy[i] as number) ^ 1;
      seen.add(hash32(copy));
    }
    expect(seen.size).toBe(data.length + 1);
  });
});
