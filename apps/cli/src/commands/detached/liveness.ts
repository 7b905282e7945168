import { readFileSync } from 'node:fs';
import type { ContainerStateFile } from '@gc/engine';

/** Does process `pid` run, and is it the one that started at `start` (/proc/PID/stat field 22)? Not a zombie. */
export function runs(pid: number | undefined, start: number | undefined): boolean {
  if (!pid) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return false;
  return start === undefined || Number(fields[19]) === start;
}

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
