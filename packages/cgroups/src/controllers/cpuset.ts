import type { CgroupDir } from '../cgroup-dir.js';
import { invalid } from '../errors.js';
import type { LinuxResources } from '../resources.js';
import type { Controller } from './controller.js';

const F = 'linux.resources.cpu';
const LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

function apply(dir: CgroupDir, r: LinuxResources, prefix: string): void {
  const c = r.cpu;
  if (!c) return;
  for (const k of ['cpus', 'mems'] as const) {
    const v = c[k];
    if (v === undefined || v === '') continue;
    if (!LIST.test(v)) throw invalid(`${F}.${k}`, 'a list such as "0-3,7"', v);
    dir.write(`${prefix}${k}`, v, `${F}.${k}`);
  }
}

export const cpusetController: Controller = {
  v1: 'cpuset',
  v2: 'cpuset',
  fields: (r) => (['cpus', 'mems'] as const).filter((k) => r.cpu?.[k]).map((k) => `${F}.${k}`),
  applyV1: (dir, r) => apply(dir, r, 'cpuset.'),
  applyV2: (dir, r) => apply(dir, r, 'cpuset.'),
};

/**
 * A new v1 cpuset cgroup starts with empty cpus and mems, and joining it then
 * fails with ENOSPC: copy the parent's down, as runc and crun do.
 */
export function initCpusetV1(parent: CgroupDir, dir: CgroupDir): void {
  for (const k of ['cpuset.cpus', 'cpuset.mems']) {
    if ((dir.readIfExists(k) ?? '').trim() === '') {
      const value = (parent.readIfExists(k) ?? '').trim();
      if (value !== '') dir.write(k, value);
    }
  }
}
