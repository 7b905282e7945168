import { type Kernel, SyscallError } from '@gc/syscall';
import { ownerIsAlive, type ProcessOwner } from './process-owner.js';

/**
 * A pidfd of `owner`, checked to be that process: its start time is read
 * after the pidfd pins the pid, so a pid the kernel gave to another process
 * since is never signalled or joined. undefined when the process is gone
 * (or a zombie); other failures of pidfd_open throw.
 */
export function openOwnerPidfd(kernel: Kernel, owner: ProcessOwner): number | undefined {
  let pidfd: number;
  try {
    pidfd = kernel.pidfdOpen(owner.pid);
  } catch (e) {
    if (SyscallError.isInstance(e) && e.errnoCode === 'ESRCH') return undefined;
    throw e;
  }
  if (ownerIsAlive(owner)) return pidfd;
  kernel.close(pidfd);
  return undefined;
}
