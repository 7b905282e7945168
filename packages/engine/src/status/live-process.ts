import { ownerIsAlive, ownerOf, type ProcessOwner } from '@gc/runtime';

/**
 * The process `pid` while it runs, not a zombie, and, when `start` is known
 * (`/proc/PID/stat` field 22, as a state file records it), is still the
 * process that started then: a pid the kernel gave to another since is not
 * it. undefined otherwise. The runtime's owner check, for pids whose start
 * time may not be recorded.
 */
export function liveProcess(pid: number | undefined, start: number | undefined): ProcessOwner | undefined {
  if (pid === undefined || !(pid > 0)) return undefined;
  const owner = start === undefined ? ownerOf(pid) : { pid, start };
  return owner !== undefined && ownerIsAlive(owner) ? owner : undefined;
}
