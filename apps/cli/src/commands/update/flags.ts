import type { LinuxResources } from '@gc/runtime';
import type { OptionSpec } from '../../command-line.js';
import { UsageError } from '../../usage-error.js';

/** runc's `update` flags (and `--cpu-shares`, Docker's spelling of runc's `--cpu-share`). */
export const UPDATE_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'resources',
    long: 'resources',
    short: 'r',
    value: 'FILE',
    help: 'OCI linux.resources JSON from FILE, or - for stdin (the other flags are then ignored)',
  },
  { key: 'memory', long: 'memory', value: 'BYTES', help: 'memory limit (100m, 1g; -1: none)' },
  { key: 'memorySwap', long: 'memory-swap', value: 'BYTES', help: 'memory + swap limit (-1: unlimited swap)' },
  { key: 'memoryReservation', long: 'memory-reservation', value: 'BYTES', help: 'memory soft limit' },
  { key: 'cpuShare', long: 'cpu-share', value: 'N', help: 'CPU shares (relative weight)' },
  { key: 'cpuShares', long: 'cpu-shares', value: 'N', help: 'the same as --cpu-share' },
  { key: 'cpuQuota', long: 'cpu-quota', value: 'USEC', help: 'CPU time allowed per period (-1: no limit)' },
  { key: 'cpuPeriod', long: 'cpu-period', value: 'USEC', help: 'CPU CFS period' },
  { key: 'cpuBurst', long: 'cpu-burst', value: 'USEC', help: 'CPU time the quota may be exceeded by' },
  { key: 'cpuRtPeriod', long: 'cpu-rt-period', value: 'USEC', help: 'CPU realtime period' },
  { key: 'cpuRtRuntime', long: 'cpu-rt-runtime', value: 'USEC', help: 'CPU realtime runtime per period' },
  { key: 'cpuIdle', long: 'cpu-idle', value: '0|1', help: '1: the cgroup runs SCHED_IDLE' },
  { key: 'cpusetCpus', long: 'cpuset-cpus', value: 'CPUS', help: 'CPUs to run on (0-3,5)' },
  { key: 'cpusetMems', long: 'cpuset-mems', value: 'NODES', help: 'memory nodes to use (0-1)' },
  { key: 'pidsLimit', long: 'pids-limit', value: 'N', help: 'maximum number of processes (-1: none)' },
  { key: 'blkioWeight', long: 'blkio-weight', value: 'N', help: 'block I/O weight, 10 to 1000' },
  { key: 'kernelMemory', long: 'kernel-memory', value: 'BYTES', help: 'obsolete: ignored, as by runc' },
  { key: 'kernelMemoryTcp', long: 'kernel-memory-tcp', value: 'BYTES', help: 'obsolete: ignored, as by runc' },
  { key: 'l3CacheSchema', long: 'l3-cache-schema', value: 'SCHEMA', help: 'Intel RDT: not supported' },
  { key: 'memBwSchema', long: 'mem-bw-schema', value: 'SCHEMA', help: 'Intel RDT: not supported' },
];

type Flags = Record<string, string | boolean | string[] | undefined>;

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** docker/go-units' RAMInBytes, as runc reads sizes: `100m`, `1.5g`, `512MiB`, binary multiples; or -1. */
export function parseBytes(flag: string, value: string): number {
  if (value === '-1') return -1;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$/i.exec(value);
  const bytes = m ? Math.floor(Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number)) : Number.NaN;
  if (!Number.isSafeInteger(bytes)) {
    throw new UsageError(
      `update: --${flag}: expected a size in bytes (100m, 1g) or -1, got ${JSON.stringify(value)}`,
      1,
    );
  }
  return bytes;
}

function parseInteger(flag: string, value: string, unsigned: boolean): number {
  const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || (unsigned && n < 0)) {
    const what = unsigned ? 'a whole number' : 'an integer';
    throw new UsageError(`update: --${flag}: expected ${what}, got ${JSON.stringify(value)}`, 1);
  }
  return n;
}

/**
 * The resources the flags set, as runc builds them: only what is given
 * (0 for `--pids-limit` and `--blkio-weight` is "leave as it is").
 * A bad value is a UsageError naming the flag (exit 1).
 */
export function resourcesFromFlags(flags: Flags, warn: (message: string) => void): LinuxResources {
  const str = (key: string) => {
    const v = flags[key];
    return typeof v === 'string' ? v : undefined;
  };
  const out: LinuxResources = {};
  const memory: NonNullable<LinuxResources['memory']> = {};
  const cpu: NonNullable<LinuxResources['cpu']> = {};
  for (const [key, flag, field] of [
    ['memory', 'memory', 'limit'],
    ['memorySwap', 'memory-swap', 'swap'],
    ['memoryReservation', 'memory-reservation', 'reservation'],
  ] as const) {
    const v = str(key);
    if (v !== undefined && v !== '') memory[field] = parseBytes(flag, v);
  }
  const shares = str('cpuShare') ?? str('cpuShares');
  if (shares !== undefined && shares !== '') {
    cpu.shares = parseInteger(str('cpuShare') !== undefined ? 'cpu-share' : 'cpu-shares', shares, true);
  }
  for (const [key, flag, field, unsigned] of [
    ['cpuQuota', 'cpu-quota', 'quota', false],
    ['cpuPeriod', 'cpu-period', 'period', true],
    ['cpuBurst', 'cpu-burst', 'burst', true],
    ['cpuRtPeriod', 'cpu-rt-period', 'realtimePeriod', true],
    ['cpuRtRuntime', 'cpu-rt-runtime', 'realtimeRuntime', false],
    ['cpuIdle', 'cpu-idle', 'idle', false],
  ] as const) {
    const v = str(key);
    if (v !== undefined && v !== '') cpu[field] = parseInteger(flag, v, unsigned);
  }
  if (str('cpusetCpus')) cpu.cpus = str('cpusetCpus') as string;
  if (str('cpusetMems')) cpu.mems = str('cpusetMems') as string;
  const pids = str('pidsLimit');
  if (pids !== undefined) {
    const limit = parseInteger('pids-limit', pids, false);
    if (limit !== 0) out.pids = { limit };
  }
  const weight = str('blkioWeight');
  if (weight !== undefined) {
    const w = parseInteger('blkio-weight', weight, true);
    if (w !== 0) out.blockIO = { weight: w };
  }
  for (const [key, flag] of [
    ['kernelMemory', 'kernel-memory'],
    ['kernelMemoryTcp', 'kernel-memory-tcp'],
  ] as const) {
    if (str(key)) warn(`--${flag} is obsolete and ignored (as by runc)`);
  }
  for (const [key, flag] of [
    ['l3CacheSchema', 'l3-cache-schema'],
    ['memBwSchema', 'mem-bw-schema'],
  ] as const) {
    if (str(key)) throw new UsageError(`update: --${flag}: Intel RDT is not supported`, 1);
  }
  if (Object.keys(memory).length > 0) out.memory = memory;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  return out;
}
