import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord } from '../store/container-record.js';
import { containerNow, type EngineContext } from './engine-context.js';
import { removeContainer } from './remove.js';

export interface PruneResult {
  /** The IDs removed, oldest first. */
  readonly deleted: string[];
  /** The bytes their directories held (logs, writable layers). */
  readonly reclaimed: number;
}

/** The bytes of the files under `path` (not following links). */
export function diskUsage(path: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += diskUsage(child);
    else {
      try {
        total += lstatSync(child).size;
      } catch {
        // gone meanwhile
      }
    }
  }
  return total;
}

/**
 * `docker container prune`: every container that does not run (created,
 * exited, dead) is removed; `keep` may spare some (a filter). Running,
 * paused and restarting ones stay.
 */
export async function pruneContainers(
  ctx: EngineContext,
  keep: (record: ContainerRecord) => boolean = () => false,
): Promise<PruneResult> {
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const record of ctx.store.list()) {
    const now = containerNow(ctx, record);
    if (now.state.running || now.state.restarting || now.state.monitored || keep(record)) continue;
    const size = diskUsage(ctx.store.dir(record.id));
    await removeContainer(ctx, record);
    deleted.push(record.id);
    reclaimed += size;
  }
  return { deleted, reclaimed };
}
