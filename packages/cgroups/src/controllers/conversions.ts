import { CgroupError, invalid } from '../errors.js';

/**
 * OCI cpu.shares (v1, 2..262144, default 1024) -> cgroup v2 cpu.weight
 * (1..10000, default 100). The quadratic-in-log2 formula of
 * opencontainers/cgroups `ConvertCPUSharesToCgroupV2Value` (PR #20, used by
 * runc >= 1.3.2 via runc PR #4785) and crun >= 1.23 (containers/crun PR #1767,
 * issue #1721): it maps min to min, max to max and, unlike the old linear
 * `1 + ((shares - 2) * 9999) / 262142`, the default 1024 to the default 100.
 * 0 means unset.
 */
export function cpuSharesToWeight(shares: number): number {
  if (shares === 0) return 0;
  if (shares <= 2) return 1;
  if (shares >= 262144) return 10000;
  const l = Math.log2(shares);
  const exponent = (l * l + 125 * l) / 612 - 7 / 34;
  return Math.ceil(10 ** exponent);
}

/** OCI blkio weight (10..1000) -> v2 io.weight (1..10000), linearly as runc and crun do. 0 means unset. */
export function blkioWeightToIoWeight(weight: number): number {
  if (weight === 0) return 0;
  return Math.floor(1 + ((weight - 10) * 9999) / 990);
}

/**
 * OCI memory.swap is memory+swap (v1's memsw); v2's memory.swap.max is swap
 * alone: swap - limit. -1 means no limit. Returns undefined when nothing is
 * to be written. The rules are runc's `ConvertMemorySwapToCgroupV2Value`.
 */
export function memorySwapToV2(swap: number | undefined, limit: number | undefined): number | undefined {
  if (swap === undefined || swap === 0) {
    // As v1 does: an unlimited memory with swap unset means unlimited swap too.
    return limit === -1 ? -1 : undefined;
  }
  if (swap === -1) return -1;
  const field = 'linux.resources.memory.swap';
  if (limit === undefined || limit === 0) {
    throw new CgroupError('EINVALIDRESOURCE', 'a swap limit needs linux.resources.memory.limit as well', { field });
  }
  if (limit === -1) throw invalid(field, '-1 (no limit) when memory.limit is -1', swap);
  if (swap < limit) throw invalid(field, `memory+swap >= memory.limit (${limit})`, swap);
  return swap - limit;
}

/** `-1` and other negatives mean "no limit": v2 spells it `max`. */
export function v2Limit(value: number): string {
  return value < 0 ? 'max' : String(value);
}

export function checkInteger(field: string, value: number, min = Number.MIN_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalid(field, min === Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer >= ${min}`, value);
  }
}
