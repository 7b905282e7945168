import { describe, expect, it } from 'vitest';
import { createdSince } from './created-since.js';

describe('createdSince', () => {
  it('says N/A for an image without a creation time', () => {
    const now = Date.parse('2024-01-15T00:00:00Z');
    expect(createdSince('2024-01-01T00:00:00Z', now)).toBe('2 weeks ago');
    expect(createdSince(undefined, now)).toBe('N/A');
    expect(createdSince('0001-01-01T00:00:00Z', now)).toBe('N/A');
  });
});
