import type { LogConfig } from '../store/container-record.js';
import { EngineOptionError } from './errors.js';

/** Docker's `units.FromHumanSize`: decimal units, as the json-file driver reads `max-size`. */
const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9 };

function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value);
  const unit = m ? UNITS[(m[2] as string).toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new EngineOptionError(
      `--log-opt: max-size "${value}" is not a size (a number with an optional unit k, m or g: 10m)`,
    );
  }
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1) throw new EngineOptionError(`--log-opt: max-size "${value}" must be at least one byte`);
  return bytes;
}

/**
 * `--log-opt KEY=VALUE`s of the json-file driver: `max-size` (10m) and
 * `max-file` (at least 1; more than 1 only with max-size, as Docker).
 */
export function parseLogOptions(values: readonly string[]): LogConfig {
  let maxSize: number | undefined;
  let maxFile: number | undefined;
  for (const option of values) {
    const eq = option.indexOf('=');
    if (eq <= 0) throw new EngineOptionError(`--log-opt: "${option}" is not KEY=VALUE (max-size=10m, max-file=3)`);
    const key = option.slice(0, eq);
    const value = option.slice(eq + 1);
    if (key === 'max-size') maxSize = parseSize(value);
    else if (key === 'max-file') {
      if (!/^\d+$/.test(value) || Number(value) < 1) {
        throw new EngineOptionError(`--log-opt: max-file "${value}" must be a positive integer`);
      }
      maxFile = Number(value);
    } else {
      throw new EngineOptionError(
        `--log-opt: unknown log opt "${key}" for the json-file log driver (expected max-size or max-file)`,
      );
    }
  }
  if (maxFile !== undefined && maxFile > 1 && maxSize === undefined) {
    throw new EngineOptionError('--log-opt: max-file is more than 1 but max-size is not given: nothing would rotate');
  }
  return {
    type: 'json-file',
    ...(maxSize === undefined ? {} : { maxSize }),
    ...(maxFile === undefined ? {} : { maxFile }),
  };
}
