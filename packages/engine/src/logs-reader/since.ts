import { GcError } from '@gc/syscall';
import { parseGoDuration } from '../go-duration.js';

/** A `--since`/`--until` value that is no time, duration or timestamp. */
export const ENGINE_BAD_TIME = 'ENGINE_BAD_TIME';

/**
 * `docker logs --since` as Docker takes it: an RFC 3339 time
 * (`2026-12-01T19:20:00Z`, a date alone, a time without a zone: UTC), a Unix
 * timestamp (`1764616800.5`), or a duration before now (`10m`, `1h30m`).
 * Milliseconds since the epoch.
 */
export function parseSince(text: string, flag = '--since', now = Date.now()): number {
  const duration = parseGoDuration(text);
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
