import type { StatsCounters } from './stats-sampler.js';

/** One container's figures, as `docker stats` computes them (its CLI's calculate* functions). */
export interface ContainerStats {
  /** Of one CPU: 200 is two CPUs busy. 0 until two passes were made. */
  readonly cpuPercent: number;
  /** Bytes in use, less the page cache the kernel can drop at once (inactive file pages). */
  readonly memoryUsage: number;
  /** The cgroup's limit; the host's memory when it has none (or a larger one). */
  readonly memoryLimit: number;
  readonly memoryPercent: number;
  readonly netRx: number;
  readonly netTx: number;
  readonly blockRead: number;
  readonly blockWrite: number;
  readonly pids: number;
}

/** A container that is not running: Docker shows it with zeros. */
const STOPPED: ContainerStats = {
  cpuPercent: 0,
  memoryUsage: 0,
  memoryLimit: 0,
  memoryPercent: 0,
  netRx: 0,
  netTx: 0,
  blockRead: 0,
  blockWrite: 0,
  pids: 0,
};

/**
 * Docker's CPU %: the container's CPU time over the system's in the same
 * interval, times the online CPUs. The system's CPU time in an interval is
 * the online CPUs times the time elapsed (what Docker sums from /proc/stat,
 * in ticks of 10 ms), so this is the container's CPU time over the elapsed
 * time; measured with the clock, a first frame a tenth of a second after the
 * first pass is as exact as Docker's after two seconds.
 */
export function cpuPercent(previous: StatsCounters, current: StatsCounters): number {
  const cpuDelta = current.cpuUsageNs - previous.cpuUsageNs;
  const elapsedNs = (current.at - previous.at) * 1e6;
  if (cpuDelta <= 0 || elapsedNs <= 0) return 0;
  return (cpuDelta / elapsedNs) * 100;
}

/** Docker's memory usage: usage less inactive file pages, when there are fewer of those (v1 and v2 alike). */
export function memoryUsage(memory: StatsCounters['memory']): number {
  const inactive = memory.inactiveFile;
  return inactive !== undefined && inactive < memory.usage ? memory.usage - inactive : memory.usage;
}

/** Docker's limit: the host's memory when the cgroup has no limit, or one above it. */
export function memoryLimit(memory: StatsCounters['memory'], hostMemory: number): number {
  return memory.limit === undefined || (hostMemory > 0 && memory.limit > hostMemory) ? hostMemory : memory.limit;
}

/** The figures of one container from two passes; `current` undefined: it is not running. */
export function containerStats(
  previous: StatsCounters | undefined,
  current: StatsCounters | undefined,
  hostMemory: number,
): ContainerStats {
  if (current === undefined) return STOPPED;
  const usage = memoryUsage(current.memory);
  const limit = memoryLimit(current.memory, hostMemory);
  return {
    cpuPercent: previous === undefined ? 0 : cpuPercent(previous, current),
    memoryUsage: usage,
    memoryLimit: limit,
    memoryPercent: limit > 0 ? (usage / limit) * 100 : 0,
    netRx: current.net.rxBytes,
    netTx: current.net.txBytes,
    blockRead: current.blockRead,
    blockWrite: current.blockWrite,
    pids: current.pids,
  };
}
