import type { Controller } from './controller.js';

const F = 'linux.resources.network';

/** net_cls and net_prio are v1 only: v2 tags traffic with eBPF programs instead. */
export const netClsController: Controller = {
  v1: 'net_cls',
  v2: undefined,
  fields: (r) => (r.network?.classID !== undefined ? [`${F}.classID`] : []),
  applyV1: (dir, r) => {
    if (r.network?.classID !== undefined) dir.write('net_cls.classid', r.network.classID, `${F}.classID`);
  },
};

export const netPrioController: Controller = {
  v1: 'net_prio',
  v2: undefined,
  fields: (r) => (r.network?.priorities?.length ? [`${F}.priorities`] : []),
  applyV1: (dir, r) => {
    (r.network?.priorities ?? []).forEach((p, i) => {
      dir.write('net_prio.ifpriomap', `${p.name} ${p.priority}`, `${F}.priorities[${i}]`);
    });
  },
};
