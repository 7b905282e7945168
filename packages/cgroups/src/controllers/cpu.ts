import type { CgroupDir } from '../cgroup-dir.js';
import { CgroupError, errnoCode, invalid, unsupported } from '../errors.js';
import type { LinuxResources } from '../resources.js';
import type { CpuStats } from '../stats.js';
import { type Controller, setFields } from './controller.js';
import { checkInteger, cpuSharesToWeight } from './conversions.js';

const F = 'linux.resources.cpu';
// cpus and mems belong to the cpuset controller.
const CPU_KEYS = ['shares', 'quota', 'burst', 'period', 'realtimeRuntime', 'realtimePeriod', 'idle'] as const;

function need(dir: CgroupDir, file: string, field: string): void {
  if (!dir.has(file)) throw unsupported(field, `no ${file} in this kernel`);
}

function applyV1(dir: CgroupDir, r: LinuxResources): void {
  const c = r.cpu;
  if (!c) return;
  for (const k of CPU_KEYS) if (c[k] !== undefined) checkInteger(`${F}.${k}`, c[k] as number, -1);
  if (c.shares) dir.write('cpu.shares', c.shares, `${F}.shares`);
  if (c.period || c.quota) {
    const writePeriod = () => {
      if (c.period) dir.write('cpu.cfs_period_us', c.period, `${F}.period`);
    };
    const writeQuota = () => {
      if (c.quota) dir.write('cpu.cfs_quota_us', c.quota, `${F}.quota`);
    };
    // A shorter period can break the parent's quota/period ratio until the new
    // quota is in: on EINVAL try the other order, as crun does.
    try {
      writePeriod();
      writeQuota();
    } catch (e) {
      if (errnoCode(e) !== 'EINVAL') throw e;
      writeQuota();
      writePeriod();
    }
  }
  if (c.burst !== undefined) {
    need(dir, 'cpu.cfs_burst_us', `${F}.burst`);
    dir.write('cpu.cfs_burst_us', c.burst, `${F}.burst`);
  }
  // The runtime must be set after the period, and the period can only grow past it once it is reset.
  if (c.realtimePeriod) {
    need(dir, 'cpu.rt_period_us', `${F}.realtimePeriod`);
    dir.write('cpu.rt_period_us', c.realtimePeriod, `${F}.realtimePeriod`);
  }
  if (c.realtimeRuntime) {
    need(dir, 'cpu.rt_runtime_us', `${F}.realtimeRuntime`);
    dir.write('cpu.rt_runtime_us', c.realtimeRuntime, `${F}.realtimeRuntime`);
  }
  if (c.idle !== undefined) {
    need(dir, 'cpu.idle', `${F}.idle`);
    dir.write('cpu.idle', c.idle, `${F}.idle`);
  }
}

function applyV2(dir: CgroupDir, r: LinuxResources): void {
  const c = r.cpu;
  if (!c) return;
  for (const k of CPU_KEYS) if (c[k] !== undefined) checkInteger(`${F}.${k}`, c[k] as number, -1);
  if (c.realtimeRuntime || c.realtimePeriod) {
    throw unsupported(
      c.realtimeRuntime ? `${F}.realtimeRuntime` : `${F}.realtimePeriod`,
      'cgroup v2 has no RT bandwidth',
    );
  }
  if (c.idle && c.shares) {
    throw new CgroupError('EINVALIDRESOURCE', 'cpu.idle and cpu.shares cannot both be set', { field: `${F}.idle` });
  }
  if (c.shares) {
    if (c.shares < 2 || c.shares > 262144) throw invalid(`${F}.shares`, 'an integer from 2 to 262144', c.shares);
    dir.write('cpu.weight', cpuSharesToWeight(c.shares), `${F}.shares`);
  }
  if (c.quota || c.period) {
    // "max" keeps no limit; the period alone may still be changed.
    const quota = c.quota && c.quota > 0 ? String(c.quota) : 'max';
    const period = c.period || Number(dir.readIfExists('cpu.max')?.trim().split(/\s+/)[1] ?? 100000);
    dir.write('cpu.max', `${quota} ${period}`, c.quota ? `${F}.quota` : `${F}.period`);
  }
  if (c.burst !== undefined) {
    need(dir, 'cpu.max.burst', `${F}.burst`);
    dir.write('cpu.max.burst', c.burst, `${F}.burst`);
  }
  if (c.idle !== undefined) {
    need(dir, 'cpu.idle', `${F}.idle`);
    dir.write('cpu.idle', c.idle, `${F}.idle`);
  }
}

export const cpuController: Controller = {
  v1: 'cpu',
  v2: 'cpu',
  fields: (r) => setFields('cpu', r.cpu).filter((f) => !f.endsWith('.cpus') && !f.endsWith('.mems')),
  applyV1,
  applyV2,
};

/** v1 splits CPU time (cpuacct, nanoseconds) from throttling (cpu.stat). */
export function cpuStatsV1(cpu: CgroupDir | undefined, cpuacct: CgroupDir | undefined): CpuStats {
  const stat = cpu?.readKeyed('cpu.stat') ?? new Map<string, number>();
  const acct = cpuacct?.readKeyed('cpuacct.stat');
  // cpuacct.stat is in USER_HZ ticks (100 per second on every Linux).
  const ticks = (k: string) => {
    const v = acct?.get(k);
    return v === undefined ? undefined : v * 10_000;
  };
  const usageNs = cpuacct?.readNumber('cpuacct.usage') ?? 0;
  const perCpu = cpuacct?.readIfExists('cpuacct.usage_percpu')?.trim().split(/\s+/).filter(Boolean).map(Number);
  return {
    usageUsec: Math.floor(usageNs / 1000),
    ...(perCpu && perCpu.length > 0 ? { perCpuUsec: perCpu.map((ns) => Math.floor(ns / 1000)) } : {}),
    userUsec: ticks('user'),
    systemUsec: ticks('system'),
    periods: stat.get('nr_periods') ?? 0,
    throttledPeriods: stat.get('nr_throttled') ?? 0,
    throttledUsec: Math.floor((stat.get('throttled_time') ?? 0) / 1000),
  };
}

export function cpuStatsV2(dir: CgroupDir): CpuStats {
  const stat = dir.readKeyed('cpu.stat');
  return {
    usageUsec: stat.get('usage_usec') ?? 0,
    userUsec: stat.get('user_usec'),
    systemUsec: stat.get('system_usec'),
    periods: stat.get('nr_periods') ?? 0,
    throttledPeriods: stat.get('nr_throttled') ?? 0,
    throttledUsec: stat.get('throttled_usec') ?? 0,
  };
}
