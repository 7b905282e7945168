import { existsSync, readFileSync } from 'node:fs';

/**
 * Who keeps a container's hold: the process that retained it (its pid and
 * start time, so that a reused pid does not pass for it), the boot it ran
 * in, and the run directory whose sweep releases the hold should that
 * process die. The data root persists across reboots; processes and /run
 * do not.
 */
export interface HoldOwner {
  /** /proc/sys/kernel/random/boot_id: a new one each boot. */
  boot: string;
  pid: number;
  /** `/proc/PID/stat` field 22 (clock ticks after boot). */
  start: number;
  runDir?: string;
}

let self: Omit<HoldOwner, 'runDir'> | undefined;

/** This process as a hold's owner (read once: its pid, start and boot do not change). */
export function currentHoldOwner(runDir?: string): HoldOwner {
  self ??= { boot: bootId(), pid: process.pid, start: startOf('self') ?? 0 };
  return runDir === undefined ? { ...self } : { ...self, runDir };
}

/**
 * Is the owner certainly gone, and its container with it? Another boot
 * ended every process; in this boot, the process must be gone and its run
 * directory too (while that exists, its container may still run until a
 * sweep of it kills its cgroup and releases the hold). What cannot be read
 * counts as alive: a live container's image must never go.
 */
export function holdOwnerGone(owner: HoldOwner): boolean {
  try {
    if (owner.boot !== bootId()) return true;
    if (owner.runDir !== undefined && existsSync(owner.runDir)) return false;
    return startOf(owner.pid) !== owner.start;
  } catch {
    return false;
  }
}

function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** The process's start time, or undefined when it is gone or a zombie (it exited). */
function startOf(pid: number | 'self'): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw e;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return Number(fields[19]);
}
