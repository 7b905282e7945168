import type { CgroupDir } from '../cgroup-dir.js';
import type { PidsStats } from '../stats.js';
import type { Controller } from './controller.js';
import { checkInteger, v2Limit } from './conversions.js';

const F = 'linux.resources.pids.limit';

function apply(dir: CgroupDir, limit: number | undefined): void {
  // 0 is "unset" in the OCI spec, negatives "no limit".
  if (limit === undefined || limit === 0) return;
  checkInteger(F, limit);
  dir.write('pids.max', v2Limit(limit), F);
}

export const pidsController: Controller = {
  v1: 'pids',
  v2: 'pids',
  fields: (r) => (r.pids?.limit ? [F] : []),
  applyV1: (dir, r) => apply(dir, r.pids?.limit),
  applyV2: (dir, r) => apply(dir, r.pids?.limit),
};

export function pidsStats(dir: CgroupDir): PidsStats {
  return { current: dir.readNumber('pids.current') ?? 0, limit: dir.readNumber('pids.max') };
}
