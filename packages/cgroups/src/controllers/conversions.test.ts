import { describe, expect, it } from 'vitest';
import { blkioWeightToIoWeight, cpuSharesToWeight, memorySwapToV2 } from './conversions.js';

describe('cpuSharesToWeight (opencontainers/cgroups #20, crun #1767)', () => {
  it('maps min, default and max onto v2 min, default and max', () => {
    expect(cpuSharesToWeight(0)).toBe(0);
    expect(cpuSharesToWeight(1)).toBe(1);
    expect(cpuSharesToWeight(2)).toBe(1);
    expect(cpuSharesToWeight(1024)).toBe(100);
    expect(cpuSharesToWeight(262144)).toBe(10000);
    expect(cpuSharesToWeight(500000)).toBe(10000);
  });
  it('gives the values runc 1.4 writes', () => {
    // runc issue #4896: --cpu-shares 2000 -> cpu.weight 170 (it was 77 with the linear formula).
    expect(cpuSharesToWeight(2000)).toBe(170);
    expect(cpuSharesToWeight(512)).toBeLessThan(100);
    expect(cpuSharesToWeight(4096)).toBeGreaterThan(100);
  });
});

describe('blkioWeightToIoWeight', () => {
  it('maps 10..1000 linearly onto 1..10000', () => {
    expect(blkioWeightToIoWeight(10)).toBe(1);
    expect(blkioWeightToIoWeight(1000)).toBe(10000);
    expect(blkioWeightToIoWeight(500)).toBe(4950);
  });
});

describe('memorySwapToV2', () => {
  it('turns memory+swap into swap alone', () => {
    expect(memorySwapToV2(300, 100)).toBe(200);
    expect(memorySwapToV2(100, 100)).toBe(0);
    expect(memorySwapToV2(-1, 100)).toBe(-1);
    expect(memorySwapToV2(undefined, 100)).toBeUndefined();
    expect(memorySwapToV2(undefined, -1)).toBe(-1);
  });
  it('refuses what v1 would refuse', () => {
    expect(() => memorySwapToV2(50, 100)).toThrow(
      'linux.resources.memory.swap: expected memory+swap >= memory.limit (100), got 50',
    );
    expect(() => memorySwapToV2(200, undefined)).toThrow(/needs linux.resources.memory.limit/);
  });
});
