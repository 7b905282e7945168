import { describe, expect, it } from 'vitest';
import { parseStopTime } from './index.js';

describe('stop -t', () => {
  it('whole seconds, -1 for no limit, nothing for the default', () => {
    expect(parseStopTime('0', 'stop')).toBe(0);
    expect(parseStopTime('30', 'stop')).toBe(30);
    expect(parseStopTime('-1', 'stop')).toBe(-1);
    expect(parseStopTime(undefined, 'stop')).toBeUndefined();
  });
  it('refuses anything else, naming the flag', () => {
    for (const bad of ['1.5', '-2', 'ten', '']) {
      expect(() => parseStopTime(bad, 'container stop')).toThrow(
        `container stop: --time: expected whole seconds (0 or more, or -1: no limit), got ${JSON.stringify(bad)}`,
      );
    }
  });
});
