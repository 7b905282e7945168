import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['5s', 5000],
    ['100ms', 100],
    ['1m30s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['2h', 7_200_000],
    ['500us', 0.5],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['', '5', '10', 's', '5 s', '5sec', '-1s', '1h-5m'])('%j is none', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
