import { describe, expect, it } from 'vitest';
import { newContainerId } from './container-id.js';

describe('newContainerId', () => {
  it('gives 64 hex digits, a new one each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newContainerId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{64}$/);
  });
});
