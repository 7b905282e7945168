import { describe, expect, it } from 'vitest';
import { parseSince } from './since.js';

describe('--since', () => {
  const now = Date.parse('2026-12-01T19:30:00Z');
  it('takes RFC 3339 times, dates, Unix timestamps and durations before now', () => {
    expect(parseSince('2026-12-01T19:20:00Z', '--since', now)).toBe(Date.parse('2026-12-01T19:20:00Z'));
    expect(parseSince('2026-12-01T19:20:00.5+01:00', '--since', now)).toBe(Date.parse('2026-12-01T18:20:00.500Z'));
    expect(parseSince('2026-12-01T19:20:00', '--since', now)).toBe(Date.parse('2026-12-01T19:20:00Z'));
    expect(parseSince('2026-12-01', '--since', now)).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(parseSince('1764617400.5', '--since', now)).toBe(1764617400500);
    expect(parseSince('10m', '--since', now)).toBe(now - 600_000);
    expect(parseSince('1h30m', '--since', now)).toBe(now - 5_400_000);
  });

  it('refuses anything else, naming the flag', () => {
    expect(() => parseSince('yesterday', '--since', now)).toThrow(
      '--since: expected an RFC 3339 time (2026-12-01T19:20:00Z), a Unix timestamp or a duration (10m, 1h30m), got "yesterday"',
    );
    expect(() => parseSince('10x', '--until', now)).toThrow(/^--until: /);
  });
});
