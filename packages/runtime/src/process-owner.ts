import { readFileSync } from 'node:fs';

/**
 * A process named so that pid reuse cannot fool a check: its pid and its
 * start time (`/proc/PID/stat` field 22, clock ticks after boot). A new
 * process with the same pid has another start time.
 */
export interface ProcessOwner {
  readonly pid: number;
  readonly start: number;
}

/** `/proc/PID/stat` fields 3 (state) and 22 (start time), or undefined when there is no such process. */
function readStat(pid: number | 'self'): { state: string; start: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ESRCH') {
      return undefined;
    }
    throw e;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] as string, start: Number(fields[19]) };
}

/** This process, as an owner. */
export function currentOwner(): ProcessOwner {
  return { pid: process.pid, start: (readStat('self') as { start: number }).start };
}

/** The process `pid` as an owner (pid and start time); undefined if there is none. */
export function ownerOf(pid: number): ProcessOwner | undefined {
  const stat = readStat(pid);
  return stat === undefined ? undefined : { pid, start: stat.start };
}

/**
 * Does the owner still run? false when the pid is gone, is a zombie (it
 * exited; its parent has not reaped it yet) or is another process now. An
 * unreadable /proc entry counts as running: a sweep must never remove what
 * a live process uses.
 */
export function ownerIsAlive(owner: ProcessOwner): boolean {
  let stat: ReturnType<typeof readStat>;
  try {
    stat = readStat(owner.pid);
  } catch {
    return true;
  }
  return stat !== undefined && stat.start === owner.start && stat.state !== 'Z' && stat.state !== 'X';
}
