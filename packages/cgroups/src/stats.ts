/** What a cgroup used, read from its files. Absent parts: the controller is not available (or not asked for). */
export interface CgroupStats {
  memory?: MemoryStats;
  cpu?: CpuStats;
  pids?: PidsStats;
  io?: IoStats;
}

/** A part of `CgroupStats`, to read only some: `stats(['memory'])`. */
export type CgroupStatsPart = keyof CgroupStats;

export interface MemoryEvents {
  /** Times the limit was hit and the OOM killer ran (v1: same as oomKill, v1 counts no more). */
  oom: number;
  /** Processes the OOM killer killed in this cgroup. */
  oomKill: number;
  /** Times usage hit the limit (v2 `max`, v1 `memory.failcnt`). */
  max: number;
}

export interface MemoryStats {
  /** Bytes in use now. */
  usage: number;
  /** The limit in bytes; undefined when unlimited. */
  limit: number | undefined;
  /** Highest usage seen, when the kernel reports it. */
  peak: number | undefined;
  /** Swap in use, when swap accounting is on. */
  swapUsage: number | undefined;
  /** v1: memory + swap in use (memory.memsw.usage_in_bytes); v2: undefined (swap is counted apart). */
  memswUsage?: number | undefined;
  /** The swap limit in bytes (v1: of memory + swap, memsw; v2: memory.swap.max); undefined when unlimited. */
  swapLimit?: number | undefined;
  /** v1 only: kernel memory in use (memory.kmem.usage_in_bytes). */
  kernelUsage?: number | undefined;
  /** memory.stat, as it is (`cache`, `rss`, `anon`, `file`...; v1 also `total_*`). */
  raw?: Record<string, number>;
  events: MemoryEvents;
}

export interface CpuStats {
  usageUsec: number;
  /** v1 only: each CPU's usage (cpuacct.usage_percpu). */
  perCpuUsec?: number[];
  userUsec: number | undefined;
  systemUsec: number | undefined;
  /** CFS bandwidth periods elapsed, of which throttled. */
  periods: number;
  throttledPeriods: number;
  throttledUsec: number;
}

export interface PidsStats {
  current: number;
  /** undefined when unlimited. */
  limit: number | undefined;
}

export interface IoStats {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
  /** The same, for each block device. */
  devices?: IoDeviceStats[];
}

export interface IoDeviceStats {
  major: number;
  minor: number;
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
}
