import type { LinuxResources } from '@gc/runtime';
import { UsageError } from '../../usage-error.js';

/** The resource flags of `docker run`, as commander hands them over. */
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

/**
 * Docker's memory sizes: a number with an optional b, k, m, g, t or p
 * (1024-based, any case, an optional trailing "b" as in "50mb"). Docker's own
 * grammar, so no general-purpose bytes parser fits.
 */
export function parseMemorySize(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgtp]?)b?$/i.exec(value.trim());
  if (!m) throw new UsageError(`${flag}: "${value}" is not a size (a number with b, k, m, g, t or p, such as 50m)`);
  return Math.floor(Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number));
}

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UsageError(`${flag}: "${value}" is not an integer from ${min} to ${max}`);
  }
  return n;
}

const CPU_PERIOD = 100_000;

/** OCI `linux.resources` from `docker run`'s flags; undefined when none was given. */
export function buildResources(f: ResourceFlags): LinuxResources | undefined {
  const r: LinuxResources = {};
  if (f.memory !== undefined || f.memorySwap !== undefined || f.memoryReservation !== undefined) {
    const limit = f.memory === undefined ? undefined : parseMemorySize(f.memory, '--memory');
    if (limit !== undefined && limit < 6 * 1024 * 1024) {
      throw new UsageError(`--memory: "${f.memory}" is below the minimum of 6m`);
    }
    let swap: number | undefined;
    if (f.memorySwap !== undefined) {
      if (limit === undefined) throw new UsageError('--memory-swap: needs --memory as well');
      swap = f.memorySwap === '-1' ? -1 : parseMemorySize(f.memorySwap, '--memory-swap');
      if (swap !== -1 && swap < limit) {
        throw new UsageError(`--memory-swap: "${f.memorySwap}" must be at least --memory (it counts memory plus swap)`);
      }
    }
    r.memory = {
      ...(limit !== undefined ? { limit } : {}),
      ...(swap !== undefined ? { swap } : {}),
      ...(f.memoryReservation !== undefined
        ? { reservation: parseMemorySize(f.memoryReservation, '--memory-reservation') }
        : {}),
    };
  }
  if (f.cpus !== undefined || f.cpuShares !== undefined || f.cpusetCpus !== undefined) {
    const cpu: NonNullable<LinuxResources['cpu']> = {};
    if (f.cpus !== undefined) {
      const cpus = Number(f.cpus);
      if (!/^\d+(\.\d+)?$/.test(f.cpus.trim()) || !(cpus > 0)) {
        throw new UsageError(`--cpus: "${f.cpus}" is not a positive number of CPUs (such as 1.5)`);
      }
      cpu.quota = Math.round(cpus * CPU_PERIOD);
      cpu.period = CPU_PERIOD;
    }
    if (f.cpuShares !== undefined) cpu.shares = integer(f.cpuShares, '--cpu-shares', 2, 262144);
    if (f.cpusetCpus !== undefined) {
      if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(f.cpusetCpus)) {
        throw new UsageError(`--cpuset-cpus: "${f.cpusetCpus}" is not a CPU list (such as 0-2,4)`);
      }
      cpu.cpus = f.cpusetCpus;
    }
    r.cpu = cpu;
  }
  if (f.pidsLimit !== undefined) {
    const n = integer(f.pidsLimit, '--pids-limit', -1, 2 ** 31);
    // Docker: 0 and -1 mean unlimited.
    if (n > 0) r.pids = { limit: n };
  }
  if (f.blkioWeight !== undefined) {
    const n = integer(f.blkioWeight, '--blkio-weight', 0, 1000);
    if (n !== 0 && n < 10)
      throw new UsageError(`--blkio-weight: "${f.blkioWeight}" must be 0 (off) or from 10 to 1000`);
    if (n > 0) r.blockIO = { weight: n };
  }
  return Object.keys(r).length > 0 ? r : undefined;
}
