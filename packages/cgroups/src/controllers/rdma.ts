import type { CgroupDir } from '../cgroup-dir.js';
import { invalid } from '../errors.js';
import type { LinuxResources } from '../resources.js';
import type { Controller } from './controller.js';

const F = 'linux.resources.rdma';

// rdma.max takes the same "dev hca_handle=N hca_object=M" lines on v1 and v2.
function apply(dir: CgroupDir, r: LinuxResources): void {
  for (const [device, limits] of Object.entries(r.rdma ?? {})) {
    const field = `${F}["${device}"]`;
    if (!/^[\w.-]+$/.test(device)) throw invalid(field, 'an RDMA device name', device);
    const parts = [device];
    if (limits.hcaHandles !== undefined) parts.push(`hca_handle=${limits.hcaHandles}`);
    if (limits.hcaObjects !== undefined) parts.push(`hca_object=${limits.hcaObjects}`);
    if (parts.length > 1) dir.write('rdma.max', parts.join(' '), field);
  }
}

export const rdmaController: Controller = {
  v1: 'rdma',
  v2: 'rdma',
  fields: (r) => Object.keys(r.rdma ?? {}).map((d) => `${F}["${d}"]`),
  applyV1: apply,
  applyV2: apply,
};
