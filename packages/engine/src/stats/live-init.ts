import { readFileSync } from 'node:fs';
import type { ContainerStateFile } from '../store/container-record.js';

/**
 * The pid of a container's init when it runs: the state file says running
 * and that pid is still the same process (its start time, /proc/PID/stat
 * field 22, is the one recorded) and not a zombie. undefined otherwise: a
 * monitor killed with its container leaves `running` in the file.
 */
export function liveInit(state: ContainerStateFile | undefined, proc = '/proc'): number | undefined {
  if (state?.status !== 'running' || !(state.pid > 0)) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`${proc}/${state.pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ESRCH') {
      return undefined;
    }
    throw e;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  if (state.pidStart !== undefined && Number(fields[19]) !== state.pidStart) return undefined;
  return state.pid;
}
