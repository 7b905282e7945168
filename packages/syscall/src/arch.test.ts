import { describe, expect, it } from 'vitest';
import { archFromId, archId, currentArch } from './arch.js';

describe('arch', () => {
  it('numbers arches as the program header does', () => {
    expect(archId('x64')).toBe(1);
    expect(archId('arm64')).toBe(2);
    expect(archFromId(2)).toBe('arm64');
    expect(() => archFromId(3)).toThrow(/unknown program arch id 3/);
  });

  it.runIf(process.arch === 'x64' || process.arch === 'arm64')('knows this machine', () => {
    expect(currentArch()).toBe(process.arch);
  });
});
