import type { LinuxResources } from '@gc/runtime';
import { show } from './check-path.js';
import { type HostCpus, readHostCpus } from './host-cpus.js';
import { usageError } from './usage-error.js';

/** The resource flags of `docker run`, as the command line hands them over. */
export interface ResourceFlags {
  memory?: string;
  memorySwap?: string;
  memoryReservation?: string;
  cpus?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  pidsLimit?: string;
  blkioWeight?: string;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Docker's smallest memory limit and reservation (moby's linuxMinMemory). */
const MIN_MEMORY = 6 * 1024 ** 2;

/**
 * Docker's memory sizes (go-units RAMInBytes): a number with an optional b,
 * k, m, g, t or p (1024-based, any case, an optional "i" and "b" as in "50mb"
 * or "50MiB"). Docker's own grammar, so no general-purpose bytes parser fits.
 */
export function parseMemorySize(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([bkmgtp]?)i?b?$/i.exec(value);
  if (!m) throw usageError(`${flag}: ${show(value)} is not a size (a number with b, k, m, g, t or p, such as 50m)`);
  const bytes = Math.floor(Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number));
  // Beyond 2^53 a JavaScript number no longer holds every byte count; no host has that much memory.
  if (!Number.isSafeInteger(bytes)) throw usageError(`${flag}: ${show(value)} is too large (at most 8191t)`);
  return bytes;
}

function integer(value: string, flag: string, min: number, max: number, what = ''): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) {
    throw usageError(`${flag}: ${show(value)} is not an integer from ${min} to ${max}${what}`);
  }
  return n;
}

const CPU_PERIOD = 100_000;
/** The kernel's largest pids.max (PID_MAX_LIMIT). */
const MAX_PIDS = 4 * 1024 * 1024;

/**
 * OCI `linux.resources` from `docker run`'s flags, checked as Docker's daemon
 * checks them (moby's verifyPlatformContainerResources), so that a bad value
 * fails here, naming its flag, before any cgroup exists. Undefined when no
 * resource flag was given. `host` is read only for `--cpus` and `--cpuset-cpus`.
 */
export function buildResources(f: ResourceFlags, host: () => HostCpus = readHostCpus): LinuxResources | undefined {
  const r: LinuxResources = {};
  const memory = buildMemory(f);
  if (memory) r.memory = memory;
  if (f.cpus !== undefined || f.cpuShares !== undefined || f.cpusetCpus !== undefined) {
    const cpu: NonNullable<LinuxResources['cpu']> = {};
    if (f.cpus !== undefined) {
      const quota = cpuQuota(f.cpus, host().count);
      if (quota > 0) {
        cpu.quota = quota;
        cpu.period = CPU_PERIOD;
      }
    }
    if (f.cpuShares !== undefined) {
      // 0: the default weight, as with Docker.
      const shares = integer(f.cpuShares, '--cpu-shares', 0, 262144, ' (0: the default, 1024)');
      if (shares === 1) throw usageError('--cpu-shares: "1" is below the minimum of 2 (0: the default, 1024)');
      if (shares > 0) cpu.shares = shares;
    }
    if (f.cpusetCpus !== undefined) cpu.cpus = cpuset(f.cpusetCpus, host().online);
    if (Object.keys(cpu).length > 0) r.cpu = cpu;
  }
  if (f.pidsLimit !== undefined) {
    const n = integer(f.pidsLimit, '--pids-limit', -1, MAX_PIDS, ' (-1 or 0: unlimited)');
    if (n > 0) r.pids = { limit: n };
  }
  if (f.blkioWeight !== undefined) {
    const n = integer(f.blkioWeight, '--blkio-weight', 0, 1000, ' (0: off)');
    if (n !== 0 && n < 10) {
      throw usageError(`--blkio-weight: ${show(f.blkioWeight)}: the range of blkio weight is from 10 to 1000 (0: off)`);
    }
    if (n > 0) r.blockIO = { weight: n };
  }
  return Object.keys(r).length > 0 ? r : undefined;
}

function buildMemory(f: ResourceFlags): LinuxResources['memory'] | undefined {
  if (f.memory === undefined && f.memorySwap === undefined && f.memoryReservation === undefined) return undefined;
  // 0 means "no limit" for all three, as with Docker.
  const limit = f.memory === undefined ? 0 : parseMemorySize(f.memory, '--memory');
  if (limit !== 0 && limit < MIN_MEMORY) {
    throw usageError(`--memory: ${show(f.memory ?? '')} is below the minimum memory limit of 6MB`);
  }
  let swap = 0;
  if (f.memorySwap !== undefined) {
    swap = f.memorySwap === '-1' ? -1 : parseMemorySize(f.memorySwap, '--memory-swap');
    if (swap > 0 && limit === 0) {
      throw usageError(
        `--memory-swap: ${show(f.memorySwap)} needs a --memory limit as well (it counts memory plus swap)`,
      );
    }
    if (swap > 0 && swap < limit) {
      throw usageError(
        `--memory-swap: ${show(f.memorySwap)} is below --memory ${show(f.memory ?? '')}: it counts memory plus swap, so must be at least as large (-1: unlimited swap)`,
      );
    }
  }
  let reservation = 0;
  if (f.memoryReservation !== undefined) {
    reservation = parseMemorySize(f.memoryReservation, '--memory-reservation');
    if (reservation !== 0 && reservation < MIN_MEMORY) {
      throw usageError(
        `--memory-reservation: ${show(f.memoryReservation)} is below the minimum memory reservation of 6MB`,
      );
    }
    if (limit > 0 && reservation > limit) {
      throw usageError(
        `--memory-reservation: ${show(f.memoryReservation)} is above --memory ${show(f.memory ?? '')}: the soft limit must be below the limit`,
      );
    }
  }
  const memory = {
    ...(limit > 0 ? { limit } : {}),
    ...(swap !== 0 ? { swap } : {}),
    ...(reservation > 0 ? { reservation } : {}),
  };
  return Object.keys(memory).length > 0 ? memory : undefined;
}

/** `--cpus N` as a CFS quota per 100 ms period; 0 for no limit (`--cpus 0`, as with Docker). */
function cpuQuota(value: string, count: number): number {
  const range = `the range of CPUs is from 0.01 to ${count}.00, as there are only ${count} CPUs available (0: no limit)`;
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value)) throw usageError(`--cpus: ${show(value)} is not a number: ${range}`);
  const cpus = Number(value);
  if (cpus === 0) return 0;
  // Below 0.01 the quota would be under the kernel's 1 ms minimum.
  if (cpus < 0.01 || cpus > count) throw usageError(`--cpus: ${show(value)}: ${range}`);
  return Math.round(cpus * CPU_PERIOD);
}

/** The CPUs of a kernel CPU list (`0-2,4`), or undefined when it is not one. */
function cpuList(text: string, limit: number): Set<number> | undefined {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) return undefined;
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const [lo, hi = lo] = part.split('-').map(Number) as [number, number?];
    if (hi < lo || hi > limit) return undefined;
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return cpus;
}

/** The largest CPU number a list may name (the kernel's NR_CPUS is at most 8192). */
const MAX_CPU = 8191;

function cpuset(value: string, online: string): string {
  const wanted = cpuList(value, MAX_CPU);
  if (!wanted)
    throw usageError(`--cpuset-cpus: ${show(value)} is not a CPU list (such as 0-2,4; this host has ${online})`);
  const available = cpuList(online, Number.MAX_SAFE_INTEGER) ?? new Set<number>();
  const missing = [...wanted].filter((c) => !available.has(c));
  if (missing.length > 0) {
    throw usageError(
      `--cpuset-cpus: ${show(value)}: requested CPUs are not available (${missing.join(', ')}); available: ${online}`,
    );
  }
  return value;
}
