/** RLIMIT_* resource numbers (asm-generic/resource.h; the same on x86_64 and aarch64). */
export const RLIMIT_RESOURCES = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
} as const;

export type RlimitType = keyof typeof RLIMIT_RESOURCES;

/** RLIM_INFINITY: `unlimited`. */
export const RLIM_INFINITY = 0xffffffffffffffffn;

export function isRlimitType(value: unknown): value is RlimitType {
  return typeof value === 'string' && Object.hasOwn(RLIMIT_RESOURCES, value);
}

/** `unlimited`, or the number. */
export function formatRlimitValue(value: bigint): string {
  return value === RLIM_INFINITY ? 'unlimited' : value.toString();
}
