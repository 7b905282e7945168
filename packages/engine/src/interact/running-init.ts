import { readFileSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import { ENGINE_NOT_RUNNING } from '../operations/errors.js';
import { liveInit } from '../stats/live-init.js';
import { cgroupPathOf } from '../stats/proc-cgroup.js';
import type { ContainerRecord, ContainerStateFile } from '../store/container-record.js';

/** The init of a running engine container: its pid and start time, and its cgroup as the kernel has it. */
export interface RunningInit {
  readonly pid: number;
  /** `/proc/PID/stat` field 22: a pid the kernel gave to another process since has another. */
  readonly start: number;
  /** The init's cgroup path (from `/proc/PID/cgroup`), the same in every hierarchy; undefined if none. */
  readonly cgroup: string | undefined;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The init of `record`'s container, from the monitor's state file, checked
 * to be alive and to be that process (liveInit: its start time); otherwise
 * a GcError ENGINE_NOT_RUNNING in Docker's words.
 */
export function runningInit(record: ContainerRecord, state: ContainerStateFile | undefined): RunningInit {
  const notRunning = () => new GcError(ENGINE_NOT_RUNNING, `container ${record.id} is not running`);
  const init = liveInit(state);
  if (init === undefined) throw notRunning();
  const { pid, start } = init;
  const cgroupText = read(`/proc/${pid}/cgroup`);
  const cgroup = cgroupText === undefined ? undefined : cgroupPathOf(cgroupText);
  return { pid, start, cgroup: cgroup === '/' ? undefined : cgroup };
}
