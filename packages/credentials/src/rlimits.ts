import { GcError, type ProgramScope } from '@gc/syscall';
import { CAP_SYS_RESOURCE, type HostLimits, hasCapability, readHostLimits } from './host-limits.js';
import { INVALID_CONFIG, PKG } from './pkg.js';
import { formatRlimitValue, isRlimitType, RLIM_INFINITY, RLIMIT_RESOURCES, type RlimitType } from './rlimit-types.js';

/** One OCI `process.rlimits` entry. Numbers past 2^53 lose precision in JSON: give bigints there. */
export interface Rlimit {
  readonly type: string;
  readonly hard: number | bigint;
  readonly soft: number | bigint;
}

/** A checked rlimit. */
export interface ValidRlimit {
  readonly type: RlimitType;
  readonly resource: number;
  readonly soft: bigint;
  readonly hard: bigint;
}

export interface PlanRlimitsOptions {
  /** The runtime's capabilities and limits (default: read from /proc/self). */
  readonly host?: HostLimits;
  /**
   * The program runs in a user namespace of its own by then: raising a hard
   * limit needs CAP_SYS_RESOURCE in the host's user namespace, which it lacks.
   */
  readonly inNewUserNamespace?: boolean;
  /** The config field named in errors (default `process.rlimits`). */
  readonly field?: string;
}

/** Check OCI `process.rlimits`: known types, each once, soft no higher than hard. */
export function validateRlimits(input: unknown, field = 'process.rlimits'): ValidRlimit[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new GcError(INVALID_CONFIG, `${field}: expected an array of { type, hard, soft }`);
  const seen = new Map<string, number>();
  return input.map((entry: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof entry !== 'object' || entry === null)
      throw new GcError(INVALID_CONFIG, `${at}: expected { type, hard, soft }`);
    const { type, hard, soft } = entry as Record<string, unknown>;
    if (!isRlimitType(type)) {
      throw new GcError(
        INVALID_CONFIG,
        `${at}.type: ${JSON.stringify(type)} is not an rlimit (expected RLIMIT_NOFILE, RLIMIT_NPROC, ...)`,
      );
    }
    const before = seen.get(type);
    if (before !== undefined)
      throw new GcError(INVALID_CONFIG, `${at}.type: ${type} is already set by ${field}[${before}]`);
    seen.set(type, i);
    const h = limitValue(hard, `${at}.hard`);
    const s = limitValue(soft, `${at}.soft`);
    if (s > h) {
      throw new GcError(
        INVALID_CONFIG,
        `${at}: the soft limit of ${type} (${formatRlimitValue(s)}) is above its hard limit (${formatRlimitValue(h)})`,
      );
    }
    return { type, resource: RLIMIT_RESOURCES[type], soft: s, hard: h };
  });
}

/**
 * Plan one `prlimit64(0, resource, &{soft, hard}, NULL)` per rlimit. A hard
 * limit above the runtime's current one needs CAP_SYS_RESOURCE (in the host's
 * user namespace): without it this throws now, naming the entry, rather than
 * letting the child fail with EPERM. Plan rlimits before the capabilities are
 * dropped and before the uid change.
 */
export function planRlimits(program: ProgramScope, rlimits: unknown, options: PlanRlimitsOptions = {}): ValidRlimit[] {
  const field = options.field ?? 'process.rlimits';
  const valid = validateRlimits(rlimits, field);
  if (valid.length === 0) return valid;
  const host = options.host ?? readHostLimits();
  const p = program.scope(PKG);
  valid.forEach((r, i) => {
    checkHardLimit(r, host, `${field}[${i}]`, options.inNewUserNamespace ?? false);
    const limit = p.struct([
      { name: 'rlim_cur', type: 'u64', value: r.soft },
      { name: 'rlim_max', type: 'u64', value: r.hard },
    ]);
    p.syscall(
      'prlimit64',
      [0, r.resource, limit, null],
      `set ${r.type} to ${formatRlimitValue(r.soft)} (soft), ${formatRlimitValue(r.hard)} (hard)`,
    );
  });
  return valid;
}

function checkHardLimit(r: ValidRlimit, host: HostLimits, at: string, inNewUserNamespace: boolean): void {
  if (r.type === 'RLIMIT_NOFILE' && host.nrOpen !== undefined && r.hard !== RLIM_INFINITY && r.hard > host.nrOpen) {
    throw new GcError(
      'ERLIMIT',
      `${at}: the hard limit of RLIMIT_NOFILE (${r.hard}) is above fs.nr_open (${host.nrOpen}), which the kernel refuses`,
    );
  }
  const current = host.hard.get(r.type);
  if (current === undefined || r.hard <= current) return;
  const raising = `raising the hard limit of ${r.type} from ${formatRlimitValue(current)} to ${formatRlimitValue(r.hard)} needs CAP_SYS_RESOURCE`;
  if (!hasCapability(host.capBounding, CAP_SYS_RESOURCE)) {
    throw new GcError('ERLIMIT', `${at}: ${raising}, which this host does not grant`);
  }
  if (!hasCapability(host.capEffective, CAP_SYS_RESOURCE)) {
    throw new GcError('ERLIMIT', `${at}: ${raising}, which gocontainer does not have (not in its effective set)`);
  }
  if (inNewUserNamespace) {
    throw new GcError(
      'ERLIMIT',
      `${at}: ${raising} in the host's user namespace, which a process in a new user namespace lacks`,
    );
  }
}

function limitValue(value: unknown, field: string): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= RLIM_INFINITY) return value;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    // 18446744073709551615 (RLIM_INFINITY) parses from JSON as 2^64.
    if (value >= 2 ** 64) return value === 2 ** 64 ? RLIM_INFINITY : fail(value, field);
    return BigInt(value);
  }
  return fail(value, field);
}

function fail(value: unknown, field: string): never {
  throw new GcError(INVALID_CONFIG, `${field}: expected an integer in 0..${RLIM_INFINITY}, got ${String(value)}`);
}
