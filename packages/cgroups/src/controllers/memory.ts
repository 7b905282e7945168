import type { CgroupDir } from '../cgroup-dir.js';
import { invalid, unsupported } from '../errors.js';
import type { LinuxResources } from '../resources.js';
import type { MemoryStats } from '../stats.js';
import { type Controller, setFields } from './controller.js';
import { checkInteger, memorySwapToV2, v2Limit } from './conversions.js';

const F = 'linux.resources.memory';
const MEMSW = 'memory.memsw.limit_in_bytes';

function applyV1(dir: CgroupDir, r: LinuxResources): void {
  const m = r.memory;
  if (!m) return;
  for (const k of ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP'] as const) {
    if (m[k] !== undefined) checkInteger(`${F}.${k}`, m[k], -1);
  }
  if (m.swap !== undefined && m.swap !== 0 && !dir.has(MEMSW)) {
    throw unsupported(`${F}.swap`, `no ${MEMSW}: swap accounting is off`);
  }
  // The kernel keeps limit <= memsw at every step: raise memsw first when the
  // new memsw is above the current limit, else lower the limit first.
  const swap = m.swap !== undefined && m.swap !== 0 ? m.swap : undefined;
  const current = dir.readNumber('memory.limit_in_bytes') ?? Number.POSITIVE_INFINITY;
  const swapFirst = swap !== undefined && (swap === -1 || swap >= current);
  if (swapFirst) dir.write(MEMSW, swap, `${F}.swap`);
  if (m.limit !== undefined && m.limit !== 0) dir.write('memory.limit_in_bytes', m.limit, `${F}.limit`);
  if (swap !== undefined && !swapFirst) dir.write(MEMSW, swap, `${F}.swap`);
  if (m.reservation !== undefined && m.reservation !== 0) {
    dir.write('memory.soft_limit_in_bytes', m.reservation, `${F}.reservation`);
  }
  if (m.kernel !== undefined && m.kernel !== 0) {
    if (!dir.has('memory.kmem.limit_in_bytes')) throw unsupported(`${F}.kernel`, 'no memory.kmem.limit_in_bytes');
    dir.write('memory.kmem.limit_in_bytes', m.kernel, `${F}.kernel`);
  }
  if (m.kernelTCP !== undefined && m.kernelTCP !== 0) {
    if (!dir.has('memory.kmem.tcp.limit_in_bytes')) {
      throw unsupported(`${F}.kernelTCP`, 'no memory.kmem.tcp.limit_in_bytes');
    }
    dir.write('memory.kmem.tcp.limit_in_bytes', m.kernelTCP, `${F}.kernelTCP`);
  }
  if (m.swappiness !== undefined) {
    if (!Number.isInteger(m.swappiness) || m.swappiness < 0 || m.swappiness > 100) {
      throw invalid(`${F}.swappiness`, 'an integer from 0 to 100', m.swappiness);
    }
    dir.write('memory.swappiness', m.swappiness, `${F}.swappiness`);
  }
  if (m.disableOOMKiller) dir.write('memory.oom_control', 1, `${F}.disableOOMKiller`);
  if (m.useHierarchy !== undefined) dir.write('memory.use_hierarchy', m.useHierarchy ? 1 : 0, `${F}.useHierarchy`);
}

function applyV2(dir: CgroupDir, r: LinuxResources): void {
  const m = r.memory;
  if (!m) return;
  for (const k of ['limit', 'reservation', 'swap'] as const) {
    if (m[k] !== undefined) checkInteger(`${F}.${k}`, m[k], -1);
  }
  // v2 has no kernel memory limits, swappiness or OOM-killer switch: refuse rather than ignore.
  if (m.kernel) throw unsupported(`${F}.kernel`, 'cgroup v2 has no kernel memory limit');
  if (m.kernelTCP) throw unsupported(`${F}.kernelTCP`, 'cgroup v2 has no kernel TCP memory limit');
  if (m.swappiness !== undefined) throw unsupported(`${F}.swappiness`, 'cgroup v2 has no per-cgroup swappiness');
  if (m.disableOOMKiller) throw unsupported(`${F}.disableOOMKiller`, 'cgroup v2 cannot disable the OOM killer');
  const swap = memorySwapToV2(m.swap, m.limit);
  if (swap !== undefined && !dir.has('memory.swap.max')) {
    // Unlimited swap where swap is not accounted is what the host does anyway.
    if (swap !== -1) throw unsupported(`${F}.swap`, 'no memory.swap.max: swap accounting is off');
  }
  // memory.swap.max is independent of memory.max on v2: no ordering to respect.
  if (m.limit !== undefined && m.limit !== 0) dir.write('memory.max', v2Limit(m.limit), `${F}.limit`);
  if (swap !== undefined && dir.has('memory.swap.max')) dir.write('memory.swap.max', v2Limit(swap), `${F}.swap`);
  if (m.reservation !== undefined && m.reservation !== 0) {
    dir.write('memory.low', v2Limit(m.reservation), `${F}.reservation`);
  }
}

export const memoryController: Controller = {
  v1: 'memory',
  v2: 'memory',
  // useHierarchy/checkBeforeUpdate are hints, always true in practice on v2.
  fields: (r) => setFields('memory', r.memory).filter((f) => !f.endsWith('.checkBeforeUpdate')),
  applyV1,
  applyV2,
};

export function memoryStatsV1(dir: CgroupDir): MemoryStats {
  const oom = dir.readKeyed('memory.oom_control');
  const oomKill = oom.get('oom_kill') ?? 0;
  const failcnt = dir.readNumber('memory.failcnt') ?? 0;
  const memsw = dir.readNumber('memory.memsw.usage_in_bytes');
  const usage = dir.readNumber('memory.usage_in_bytes') ?? 0;
  return {
    usage,
    limit: dir.readNumber('memory.limit_in_bytes'),
    peak: dir.readNumber('memory.max_usage_in_bytes'),
    swapUsage: memsw === undefined ? undefined : Math.max(0, memsw - usage),
    memswUsage: memsw,
    swapLimit: dir.readNumber('memory.memsw.limit_in_bytes'),
    kernelUsage: dir.readNumber('memory.kmem.usage_in_bytes'),
    raw: Object.fromEntries(dir.readKeyed('memory.stat')),
    events: { oom: oomKill, oomKill, max: failcnt },
  };
}

export function memoryStatsV2(dir: CgroupDir): MemoryStats {
  const events = dir.readKeyed('memory.events');
  return {
    usage: dir.readNumber('memory.current') ?? 0,
    limit: dir.readNumber('memory.max'),
    peak: dir.readNumber('memory.peak'),
    swapUsage: dir.readNumber('memory.swap.current'),
    swapLimit: dir.readNumber('memory.swap.max'),
    raw: Object.fromEntries(dir.readKeyed('memory.stat')),
    events: { oom: events.get('oom') ?? 0, oomKill: events.get('oom_kill') ?? 0, max: events.get('max') ?? 0 },
  };
}

/**
 * Did the OOM killer kill a process of this cgroup? v2: memory.events
 * oom_kill; v1: memory.oom_control oom_kill (Linux 4.13+), else a failcnt
 * with under_oom as the older kernels' only sign.
 */
export function oomKilledV1(dir: CgroupDir): boolean {
  const oom = dir.readKeyed('memory.oom_control');
  const kills = oom.get('oom_kill');
  if (kills !== undefined) return kills > 0;
  return (oom.get('under_oom') ?? 0) > 0 || (dir.readNumber('memory.failcnt') ?? 0) > 0;
}

export function oomKilledV2(dir: CgroupDir): boolean {
  return (dir.readKeyed('memory.events').get('oom_kill') ?? 0) > 0;
}
