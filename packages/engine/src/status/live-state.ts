import { ownerIsAlive } from '@gc/runtime';
import { type ContainerStateFile, ZERO_TIME } from '../store/container-record.js';

/** Docker's `State.Status`. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead';

/** What a container is doing now: the monitor's state file, checked against the live processes. */
export interface LiveState {
  readonly status: ContainerStatus;
  readonly running: boolean;
  readonly paused: boolean;
  readonly restarting: boolean;
  readonly oomKilled: boolean;
  readonly dead: boolean;
  /** The init's pid while it runs, else 0. */
  readonly pid: number;
  /** The exit code as a shell reports it; -1 when it is not known (the monitor was killed before the init ended). */
  readonly exitCode: number;
  readonly error: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly restartCount: number;
  /** The monitor still runs: the state file will change when the container does. */
  readonly monitored: boolean;
}

export interface LiveStateProbes {
  /** Does this process (pid, start time) still run? Default: /proc/PID/stat. */
  alive?: (pid: number, start: number | undefined) => boolean;
  /** Is the container's cgroup frozen? Asked of a running container only. */
  frozen?: () => boolean;
}

function procAlive(pid: number, start: number | undefined): boolean {
  if (pid <= 0) return false;
  if (start !== undefined) return ownerIsAlive({ pid, start });
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The live state of a container from its monitor's `state.json` (undefined:
 * never started). The file is the truth while the monitor runs; once the
 * monitor is gone, what the file says is checked against the init: a
 * `running` init that is gone too shows as exited, with the code the file
 * has if it has one (else -1: nobody saw the exit).
 */
export function liveState(file: ContainerStateFile | undefined, probes: LiveStateProbes = {}): LiveState {
  const alive = probes.alive ?? procAlive;
  const monitored = file?.monitorPid !== undefined && alive(file.monitorPid, file.monitorStart);
  const base = {
    oomKilled: file?.oomKilled ?? false,
    dead: false,
    error: file?.error ?? '',
    startedAt: file?.startedAt ?? ZERO_TIME,
    finishedAt: file?.finishedAt ?? ZERO_TIME,
    restartCount: file?.restartCount ?? 0,
    monitored,
  };
  const stopped = (status: ContainerStatus, exitCode: number, finishedAt = base.finishedAt): LiveState => ({
    ...base,
    status,
    running: false,
    paused: false,
    restarting: false,
    pid: 0,
    exitCode,
    finishedAt,
  });
  if (file === undefined || file.status === 'created') return stopped('created', 0);
  if (file.status === 'exited') return stopped('exited', file.exitCode);
  if (file.status === 'restarting') {
    if (monitored) return { ...stopped('restarting', file.exitCode), restarting: true };
    return stopped('exited', file.exitCode);
  }
  // running, by the file
  const initAlive = alive(file.pid, file.pidStart);
  if (initAlive || monitored) {
    const paused = initAlive && (probes.frozen?.() ?? false);
    return {
      ...base,
      status: paused ? 'paused' : 'running',
      running: true,
      paused,
      restarting: false,
      pid: file.pid,
      exitCode: 0,
    };
  }
  return stopped('exited', file.exitCode > 0 ? file.exitCode : -1);
}
