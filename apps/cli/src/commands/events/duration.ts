import { parseGoDuration } from '@gc/engine';
import { UsageError } from '../../usage-error.js';

/** A Go duration, as runc's `--interval` takes it (`5s`, `100ms`, `1m30s`), in milliseconds; else a usage error. */
export function parseDuration(flag: string, value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) {
    throw new UsageError(`events: --${flag}: expected a duration (5s, 100ms, 1m30s), got ${JSON.stringify(value)}`, 1);
  }
  return ms;
}
