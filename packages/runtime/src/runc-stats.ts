import type { CgroupStats, IoDeviceStats } from '@gc/cgroups';

/**
 * What `events` prints as an event's `data`: runc's `types.Stats`, with its
 * JSON names. Times are nanoseconds, sizes bytes. As in runc's Go encoding,
 * fields tagged `omitempty` there are left out when zero, and a limit
 * that is not set reads 0.
 */
export interface RuncStats {
  cpu: {
    usage: { total?: number; percpu?: number[]; kernel: number; user: number };
    throttling: { periods?: number; throttledPeriods?: number; throttledTime?: number };
  };
  memory: {
    cache?: number;
    usage: RuncMemoryEntry;
    swap: RuncMemoryEntry;
    kernel: RuncMemoryEntry;
    kernelTCP: RuncMemoryEntry;
    raw?: Record<string, number>;
  };
  pids: { current?: number; limit?: number };
  blkio: { ioServiceBytesRecursive?: RuncBlkioEntry[]; ioServicedRecursive?: RuncBlkioEntry[] };
  hugetlb: Record<string, never>;
  intel_rdt: Record<string, never>;
  network_interfaces: null;
}

export interface RuncMemoryEntry {
  limit: number;
  usage?: number;
  max?: number;
  failcnt: number;
}

export interface RuncBlkioEntry {
  major?: number;
  minor?: number;
  op?: string;
  value?: number;
}

/** An event of `events`: stats every interval, and `oom` when the OOM killer fired in the container. */
export interface ContainerEvent {
  type: 'stats' | 'oom';
  id: string;
  data?: RuncStats;
}

/** Go's omitempty: the key only when the value is not zero (or empty). */
function some<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  if (value === undefined || value === 0 || (Array.isArray(value) && value.length === 0)) return {};
  return { [key]: value } as { [k in K]?: V };
}

const ns = (usec: number | undefined) => (usec ?? 0) * 1000;

function entry(usage: number | undefined, limit: number | undefined, max?: number, failcnt = 0): RuncMemoryEntry {
  return { limit: limit ?? 0, ...some('usage', usage), ...some('max', max), failcnt };
}

function blkio(devices: readonly IoDeviceStats[], read: 'readBytes' | 'readOps', write: 'writeBytes' | 'writeOps') {
  return devices.flatMap((d) => [
    { ...some('major', d.major), ...some('minor', d.minor), op: 'Read', ...some('value', d[read]) },
    { ...some('major', d.major), ...some('minor', d.minor), op: 'Write', ...some('value', d[write]) },
  ]);
}

/**
 * runc's shape from the cgroup's stats. Swap as runc reports it: memory and
 * swap together (v1's memsw; on v2 the sum of memory.current and
 * memory.swap.current, and of their limits).
 */
export function toRuncStats(s: CgroupStats): RuncStats {
  const cpu = s.cpu;
  const m = s.memory;
  const swapUsage = m?.memswUsage ?? (m?.swapUsage === undefined ? undefined : m.usage + m.swapUsage);
  const swapLimit =
    m?.memswUsage !== undefined || m?.swapLimit === undefined || m.limit === undefined
      ? m?.swapLimit
      : m.limit + m.swapLimit;
  const raw = m?.raw ?? {};
  const cache = raw.cache ?? raw.file;
  const devices = s.io?.devices ?? [];
  return {
    cpu: {
      usage: {
        ...some('total', ns(cpu?.usageUsec)),
        ...some('percpu', cpu?.perCpuUsec?.map(ns)),
        kernel: ns(cpu?.systemUsec),
        user: ns(cpu?.userUsec),
      },
      throttling: {
        ...some('periods', cpu?.periods),
        ...some('throttledPeriods', cpu?.throttledPeriods),
        ...some('throttledTime', ns(cpu?.throttledUsec)),
      },
    },
    memory: {
      ...some('cache', cache),
      usage: entry(m?.usage, m?.limit, m?.peak, m?.events.max),
      swap: entry(swapUsage, swapLimit),
      kernel: entry(m?.kernelUsage, undefined),
      kernelTCP: entry(undefined, undefined),
      ...(Object.keys(raw).length > 0 ? { raw } : {}),
    },
    pids: { ...some('current', s.pids?.current), ...some('limit', s.pids?.limit) },
    blkio: {
      ...some('ioServiceBytesRecursive', blkio(devices, 'readBytes', 'writeBytes')),
      ...some('ioServicedRecursive', blkio(devices, 'readOps', 'writeOps')),
    },
    hugetlb: {},
    intel_rdt: {},
    network_interfaces: null,
  };
}
