import type { CgroupDir } from '../cgroup-dir.js';
import { invalid, unsupported } from '../errors.js';
import type { LinuxResources } from '../resources.js';
import type { Controller } from './controller.js';
import { checkInteger } from './conversions.js';

const F = 'linux.resources.hugepageLimits';

function apply(dir: CgroupDir, r: LinuxResources, v2: boolean): void {
  (r.hugepageLimits ?? []).forEach((h, i) => {
    const field = `${F}[${i}]`;
    if (!/^\d+[KMG]B$/.test(h.pageSize))
      throw invalid(`${field}.pageSize`, 'a size such as "2MB" or "1GB"', h.pageSize);
    checkInteger(`${field}.limit`, h.limit, 0);
    const file = v2 ? `hugetlb.${h.pageSize}.max` : `hugetlb.${h.pageSize}.limit_in_bytes`;
    if (!dir.has(file))
      throw unsupported(`${field}.pageSize`, `${h.pageSize} is not a huge page size of this host (no ${file})`);
    dir.write(file, h.limit, `${field}.limit`);
    // Reservations are charged separately (Linux 5.7+): limit them alike, as runc does.
    const rsvd = v2 ? `hugetlb.${h.pageSize}.rsvd.max` : `hugetlb.${h.pageSize}.rsvd.limit_in_bytes`;
    if (dir.has(rsvd)) dir.write(rsvd, h.limit, `${field}.limit`);
  });
}

export const hugetlbController: Controller = {
  v1: 'hugetlb',
  v2: 'hugetlb',
  fields: (r) => (r.hugepageLimits ?? []).map((_, i) => `${F}[${i}]`),
  applyV1: (dir, r) => apply(dir, r, false),
  applyV2: (dir, r) => apply(dir, r, true),
};
