import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration: Go durations, as runc events --interval', () => {
  it.each([
    ['5s', 5000],
    ['100ms', 100],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['2h', 7_200_000],
    ['500us', 0.5],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration('interval', text)).toBe(ms);
  });

  it.each(['', '5', 's', '5 s', '5sec', '-1s'])('refuses %j, naming the flag', (text) => {
    expect(() => parseDuration('interval', text)).toThrow(
      `events: --interval: expected a duration (5s, 100ms, 1m30s), got ${JSON.stringify(text)}`,
    );
  });
});
