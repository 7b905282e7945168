import { describe, expect, it } from 'vitest';
import { layerLine, progressText } from './layer-progress.js';

describe("docker pull's progress lines", () => {
  it('draws the bar and the sizes as Docker does on a wide terminal, the sizes alone on a narrow one', () => {
    expect(progressText({ current: 1_200_000, total: 3_400_000 }, 120)).toBe(
      `[${'='.repeat(17)}>${' '.repeat(33)}]    1.2MB/3.4MB`,
    );
    expect(progressText({ current: 3_400_000, total: 3_400_000 }, 120)).toBe(`[${'='.repeat(50)}>]    3.4MB/3.4MB`);
    expect(progressText({ current: 1_200_000, total: 3_400_000 }, 80)).toBe('   1.2MB/3.4MB');
    expect(layerLine('0123456789ab', 'Downloading', { current: 512, total: 2048 }, 80)).toBe(
      '0123456789ab: Downloading     512B/2.048kB',
    );
    expect(layerLine('0123456789ab', 'Pull complete', undefined, 120)).toBe('0123456789ab: Pull complete');
    expect(layerLine('', 'Loading archive', { current: 0, total: 0 }, 80)).toBe('Loading archive       0B');
  });
});
