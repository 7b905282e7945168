import type { RestartPolicy } from '../store/container-record.js';
import { EngineOptionError } from './errors.js';

const EXPECTED = 'expected no, always, unless-stopped or on-failure[:MAX-RETRIES]';

/**
 * `--restart` as Docker reads it: `no`, `always`, `unless-stopped`, or
 * `on-failure[:N]` (N at most N restarts, 0 or none: no limit). Only
 * on-failure takes a count.
 */
export function parseRestartPolicy(value: string | undefined): RestartPolicy {
  if (value === undefined || value === '' || value === 'no') return { name: 'no', maximumRetryCount: 0 };
  const [name, count, ...more] = value.split(':');
  if (more.length > 0) throw new EngineOptionError(`--restart: invalid restart policy format "${value}" (${EXPECTED})`);
  if (name !== 'always' && name !== 'unless-stopped' && name !== 'on-failure' && name !== 'no') {
    throw new EngineOptionError(`--restart: invalid restart policy "${value}" (${EXPECTED})`);
  }
  if (count === undefined) return { name, maximumRetryCount: 0 };
  if (name !== 'on-failure') {
    throw new EngineOptionError(
      `--restart: maximum retry count cannot be used with restart policy "${name}" (only on-failure:N takes one)`,
    );
  }
  if (!/^\d+$/.test(count)) {
    throw new EngineOptionError(
      `--restart: maximum retry count "${count}" is not a non-negative integer (on-failure:3)`,
    );
  }
  return { name, maximumRetryCount: Number(count) };
}
