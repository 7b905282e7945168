import type { Kernel } from '@gc/syscall';
import type { CgroupFs } from './cgroup-fs.js';
import { type CgroupPathOptions, resolveCgroupPath } from './cgroup-path.js';
import { CgroupError } from './errors.js';
import { type CgroupLayout, hostCgroupLayout } from './layout.js';
import type { CgroupManager } from './manager.js';
import { CgroupHybridManager, CgroupV1Manager } from './v1-manager.js';
import { CgroupV2Manager } from './v2-manager.js';

export interface CreateCgroupManagerOptions extends CgroupPathOptions {
  /** `cgroupfs` (default) or `systemd` (not supported yet: throws). */
  driver?: 'cgroupfs' | 'systemd';
  /** The hierarchies (default: this host's, detected once per process); tests pass temp dirs. */
  layout?: CgroupLayout;
  fs?: CgroupFs;
  /** How long freeze, killAll and destroy may wait (default 10 s). */
  timeoutMs?: number;
  /** How killAll SIGKILLs one pid on v1 (default `process.kill`); tests pass a recorder. */
  killProcess?: (pid: number) => void;
  /** The v2 device filter's bpf(2) calls (default `createKernel()`); tests pass a FakeKernel. */
  kernel?: Kernel;
  /** Parents a killed process's manager of this cgroup was making (ManagerOptions). */
  madeParents?: readonly string[];
}

/**
 * The manager for one cgroup on this host: detects v2, v1 or hybrid and
 * resolves the path (OCI cgroupsPath, parent, id). Nothing is created until
 * `create()`.
 */
export function createCgroupManager(options: CreateCgroupManagerOptions): CgroupManager {
  if (options.driver === 'systemd') {
    throw new CgroupError('ESYSTEMD', 'systemd cgroup driver is not supported yet (use the cgroupfs driver)', {
      field: 'driver',
    });
  }
  const path = resolveCgroupPath(options);
  const layout = options.layout ?? hostCgroupLayout();
  const common = {
    path,
    ...(options.fs ? { fs: options.fs } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.killProcess ? { killProcess: options.killProcess } : {}),
    ...(options.kernel ? { kernel: options.kernel } : {}),
    ...(options.madeParents ? { madeParents: options.madeParents } : {}),
  };
  switch (layout.mode) {
    case 'v2':
      return new CgroupV2Manager({ ...common, root: layout.unified as string });
    case 'v1':
      return new CgroupV1Manager({ ...common, hierarchies: layout.v1 });
    case 'hybrid':
      return new CgroupHybridManager({ ...common, hierarchies: layout.v1, unified: layout.unified as string });
  }
}
