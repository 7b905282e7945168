import type { Controller } from './controller.js';
import { cpuController } from './cpu.js';
import { cpusetController } from './cpuset.js';
import { devicesController } from './devices.js';
import { hugetlbController } from './hugetlb.js';
import { ioController } from './io.js';
import { memoryController } from './memory.js';
import { netClsController, netPrioController } from './network.js';
import { pidsController } from './pids.js';
import { rdmaController } from './rdma.js';

/** Every controller, in the order settings are written (cpuset before tasks can be placed, as runc). */
export const CONTROLLERS: readonly Controller[] = [
  cpusetController,
  memoryController,
  cpuController,
  pidsController,
  ioController,
  hugetlbController,
  rdmaController,
  devicesController,
  netClsController,
  netPrioController,
];

export type { Controller } from './controller.js';
