import { type ContainerStateFile, liveProcess } from '@gc/engine';

/** Does process `pid` run, and is it the one that started at `start` (when known)? Not a zombie. */
export const runs = (pid: number | undefined, start: number | undefined): boolean =>
  liveProcess(pid, start) !== undefined;

/**
 * A detached container is up while its monitor runs (the container, or its
 * restart policy between two lives, or its last words), or, its monitor
 * killed, while the init the state file names runs.
 */
export function isUp(state: ContainerStateFile | undefined): boolean {
  if (!state) return false;
  if (runs(state.monitorPid, state.monitorStart)) return true;
  return (state.status === 'running' || state.status === 'restarting') && runs(state.pid, state.pidStart);
}
