import type { ProcessOwner } from '@gc/runtime';
import { liveProcess } from '../status/live-process.js';
import type { ContainerStateFile } from '../store/container-record.js';

/**
 * A container's init when it runs: the state file says running and that
 * pid is still the same process (its recorded start time) and not a
 * zombie. undefined otherwise: a monitor killed with its container leaves
 * `running` in the file.
 */
export function liveInit(state: ContainerStateFile | undefined): ProcessOwner | undefined {
  if (state?.status !== 'running') return undefined;
  return liveProcess(state.pid, state.pidStart);
}
