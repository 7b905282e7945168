import { describe, expect, it } from 'vitest';
import { errnoMessage, errnoName, errnoNumber } from './errno.js';

describe('errno table', () => {
  it('maps names, numbers and messages both ways', () => {
    expect(errnoNumber('EPERM')).toBe(1);
    expect(errnoNumber('EBUSY')).toBe(16);
    expect(errnoNumber('ENOSYS')).toBe(38);
    expect(errnoNumber('EWOULDBLOCK')).toBe(11);
    expect(errnoName(2)).toBe('ENOENT');
    expect(errnoName(95)).toBe('EOPNOTSUPP');
    expect(errnoMessage(1)).toBe('Operation not permitted');
  });

  it('handles unknown values', () => {
    expect(errnoName(4000)).toBe('E4000');
    expect(errnoMessage(4000)).toBe('Unknown error 4000');
    expect(() => errnoNumber('ENOPE')).toThrow(TypeError);
  });
});
