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
 * fails with ENOSPC: copy the parent's down, as runc and crun do. `dirs` runs
 * from the hierarchy root to the cgroup. A directory create() has just made
 * (`isNew`) is not read: it is empty (or, under a parent with
 * cgroup.clone_children, holds the parent's values already, and writing them
 * again changes nothing). Each value is read once, from the first directory
 * that has it.
 */
export function initCpusetV1(dirs: readonly CgroupDir[], isNew: (dir: CgroupDir) => boolean): void {
  for (const k of ['cpuset.cpus', 'cpuset.mems']) {
    /** The parent's value, once read (or written). */
    let value: string | undefined;
    for (let i = 1; i < dirs.length; i++) {
      const dir = dirs[i] as CgroupDir;
      if (!isNew(dir)) {
        const own = (dir.readIfExists(k) ?? '').trim();
        if (own !== '') {
          value = own;
          continue;
        }
      }
      value ??= ((dirs[i - 1] as CgroupDir).readIfExists(k) ?? '').trim();
      if (value !== '') dir.write(k, value);
    }
  }
}
