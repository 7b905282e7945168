import { UsageError } from '../../usage-error.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration, as runc's `--interval` takes it (`5s`, `100ms`, `1m30s`), in milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let at = 0;
  for (let m = part.exec(value); m !== null; m = part.exec(value)) {
    ms += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    at = part.lastIndex;
  }
  if (value === '' || at !== value.length) {
    throw new UsageError(`events: --${flag}: expected a duration (5s, 100ms, 1m30s), got ${JSON.stringify(value)}`, 1);
  }
  return ms;
}
