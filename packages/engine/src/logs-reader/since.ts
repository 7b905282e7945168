import { GcError } from '@gc/syscall';

/** A `--since`/`--until` value that is no time, duration or timestamp. */
export const ENGINE_BAD_TIME = 'ENGINE_BAD_TIME';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration (`10m`, `1h30m`, `1.5s`, `300ms`) in milliseconds, or undefined when it is none. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(value) * (UNIT_MS[unit as string] as number);
  }
  return total;
}

/**
 * `docker logs --since` as Docker takes it: an RFC 3339 time
 * (`2026-12-01T19:20:00Z`, a date alone, a time without a zone: UTC), a Unix
 * timestamp (`1764616800.5`), or a duration before now (`10m`, `1h30m`).
 * Milliseconds since the epoch.
 */
export function parseSince(text: string, flag = '--since', now = Date.now()): number {
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.test(text)) {
    const iso = text.replace(' ', 'T');
    const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(iso) || !iso.includes('T') ? iso : `${iso}Z`;
    const at = Date.parse(zoned);
    if (!Number.isNaN(at)) return at;
  }
  throw new GcError(
    ENGINE_BAD_TIME,
    `${flag}: expected an RFC 3339 time (2026-12-01T19:20:00Z), a Unix timestamp or a duration (10m, 1h30m), got ${JSON.stringify(text)}`,
  );
}
