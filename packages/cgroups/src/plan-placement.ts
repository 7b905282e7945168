import type { ProgramScope } from '@gc/syscall';
import { PKG } from './errors.js';
import type { CgroupPlacement } from './manager.js';

/**
 * Plan the child's half of `openPlacement()`: for each v1 hierarchy, hand its
 * `tasks` fd over, write "0" to it (the process moves itself, waiting out no
 * RCU grace period) and close it. The runtime puts these right after the
 * namespace ops, before anything of the container runs, and spawns with
 * `cgroupFd: placement.cloneInto` for the cgroup2 part. On v2 hosts there is
 * nothing to plan.
 */
export function planCgroupPlacement(program: ProgramScope, placement: Pick<CgroupPlacement, 'selfMove'>): void {
  const p = program.scope(PKG);
  for (const { fd, hierarchy } of placement.selfMove) {
    const tasks = p.keepFd(fd);
    p.syscall('write', [tasks, '0', 1], `move into the container cgroup (${hierarchy})`);
    p.syscall('close', [tasks], `close the ${hierarchy} tasks file`);
  }
}
