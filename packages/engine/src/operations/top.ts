import { spawnSync } from 'node:child_process';
import { GcError } from '@gc/syscall';
import type { ContainerRecord } from '../store/container-record.js';
import { containerCgroup, containerNow, type EngineContext } from './engine-context.js';
import { notRunning } from './errors.js';

/** Docker's top: the columns and the rows of the container's processes. */
export interface ContainerTop {
  readonly titles: string[];
  readonly processes: string[][];
}

/** A failure to run ps or to read its table. */
export const ENGINE_PS_FAILED = 'ENGINE_PS_FAILED';

/**
 * `docker top CONTAINER [ps OPTIONS]`: the host's `ps` (default `-ef`), its
 * lines for the pids in the container's cgroup; as Docker, the last column
 * (the command) keeps its spaces.
 */
export function containerTop(
  ctx: EngineContext,
  record: ContainerRecord,
  psArgs: readonly string[] = [],
): ContainerTop {
  const now = containerNow(ctx, record);
  if (!now.state.running) throw notRunning(record.name);
  const pids = new Set(containerCgroup(ctx, record, now.file).pids());
  const args = psArgs.length > 0 ? [...psArgs] : ['-ef'];
  const ran = spawnSync('ps', args, { encoding: 'utf8' });
  if (ran.error) throw new GcError(ENGINE_PS_FAILED, `top: run ps: ${ran.error.message}`);
  if (ran.status !== 0) {
    throw new GcError(ENGINE_PS_FAILED, `top: ps ${args.join(' ')} exited ${ran.status}: ${ran.stderr.trim()}`);
  }
  const [header = '', ...lines] = ran.stdout.split('\n');
  const titles = header.trim().split(/\s+/);
  const column = titles.indexOf('PID');
  if (column === -1) throw new GcError(ENGINE_PS_FAILED, `top: no PID column in the output of ps ${args.join(' ')}`);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (line.trim() === '' || !pids.has(Number(fields[column]))) continue;
    // The last column holds the rest of the line, spaces and all.
    const head = fields.slice(0, titles.length - 1);
    processes.push([...head, fields.slice(titles.length - 1).join(' ')]);
  }
  return { titles, processes };
}
