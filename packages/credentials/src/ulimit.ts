import { GcError } from '@gc/syscall';
import { INVALID_CONFIG } from './pkg.js';
import { RLIM_INFINITY, type RlimitType } from './rlimit-types.js';

/** The names `docker run --ulimit` takes (go-units). */
export const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;

/**
 * One `--ulimit name=soft[:hard]` as Docker reads it: the hard limit is the
 * soft one when left out, and -1 is unlimited. Returns an OCI rlimit.
 */
export function parseUlimit(value: string, field = '--ulimit'): { type: RlimitType; soft: bigint; hard: bigint } {
  const eq = typeof value === 'string' ? value.indexOf('=') : -1;
  if (eq === -1) throw new GcError(INVALID_CONFIG, `${field}: expected name=soft[:hard], got ${JSON.stringify(value)}`);
  const name = value.slice(0, eq);
  if (!(ULIMIT_NAMES as readonly string[]).includes(name)) {
    throw new GcError(
      INVALID_CONFIG,
      `${field}: ${JSON.stringify(name)} is not a ulimit (expected one of ${ULIMIT_NAMES.join(', ')})`,
    );
  }
  const values = value.slice(eq + 1).split(':');
  if (values.length > 2) {
    throw new GcError(
      INVALID_CONFIG,
      `${field}: ${JSON.stringify(value)} has too many limit values: at most two, soft[:hard]`,
    );
  }
  const [softText = '', hardText] = values;
  const soft = limit(softText, `${field} ${name} soft limit`);
  const hard = hardText === undefined ? soft : limit(hardText, `${field} ${name} hard limit`);
  if (hard !== -1n && (soft === -1n || soft > hard)) {
    throw new GcError(
      INVALID_CONFIG,
      `${field}: the soft limit of ${name} (${soft === -1n ? 'unlimited' : soft}) is above its hard limit (${hard})`,
    );
  }
  const u64 = (v: bigint) => (v === -1n ? RLIM_INFINITY : v);
  return { type: `RLIMIT_${name.toUpperCase()}` as RlimitType, soft: u64(soft), hard: u64(hard) };
}

function limit(text: string, what: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new GcError(INVALID_CONFIG, `${what}: ${JSON.stringify(text)} is not a number`);
  const v = BigInt(text);
  if (v < -1n || v > 0x7fffffffffffffffn) throw new GcError(INVALID_CONFIG, `${what}: ${text} is out of range`);
  return v;
}
