import { readFileSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import type { ContainerRecord, ContainerStateFile } from '../store/container-record.js';

/** A container that is not running where a command needs it to (Docker's "container ... is not running"). */
export const ENGINE_NOT_RUNNING = 'ENGINE_NOT_RUNNING';

/** The init of a running engine container: its pid and start time, and its cgroup as the kernel has it. */
export interface RunningInit {
  readonly pid: number;
  /** `/proc/PID/stat` field 22: a pid the kernel gave to another process since has another. */
  readonly start: number;
  /** The init's cgroup path (from `/proc/PID/cgroup`), absolute within each hierarchy; undefined if it has none. */
  readonly cgroup: string | undefined;
}

function statOf(pid: number): { state: string; start: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] as string, start: Number(fields[19]) };
}

/**
 * The cgroup the kernel has the process in: the cgroup2 line (`0::/path`)
 * where there is one, else the first v1 line's path (gocontainer makes one
 * path in every hierarchy).
 */
export function cgroupOf(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter(Boolean);
  const unified = lines.find((l) => l.startsWith('0::'));
  const path = unified ? unified.slice(3) : lines.map((l) => l.split(':').slice(2).join(':')).find(Boolean);
  return path === undefined || path === '/' ? undefined : path;
}

/**
 * The init of `record`'s container, from the monitor's state file, checked
 * to be alive and to be that process (its start time); otherwise a GcError
 * ENGINE_NOT_RUNNING in Docker's words.
 */
export function runningInit(record: ContainerRecord, state: ContainerStateFile | undefined): RunningInit {
  const notRunning = () => new GcError(ENGINE_NOT_RUNNING, `container ${record.id} is not running`);
  if (state === undefined || (state.status !== 'running' && state.status !== 'restarting') || state.pid <= 0) {
    throw notRunning();
  }
  const stat = statOf(state.pid);
  if (stat === undefined || stat.state === 'Z' || stat.state === 'X') throw notRunning();
  if (state.pidStart !== undefined && stat.start !== state.pidStart) throw notRunning();
  return { pid: state.pid, start: stat.start, cgroup: cgroupOf(state.pid) };
}
