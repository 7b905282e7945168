import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `run` keeps what a container needs on the host while it runs. */
export const RUN_ROOT = '/run/gocontainer';

export interface RunDir {
  readonly path: string;
  /** The overlay's upper and work dirs (the container's writes land in upper). */
  readonly upper: string;
  readonly work: string;
  /** Where the overlay is attached inside the container's mount namespace; empty on the host. */
  readonly merged: string;
  /** Delete it all; idempotent. */
  remove(): void;
}

/**
 * A per-container directory, owned by this process. A gocontainer killed
 * with SIGKILL cannot clean up after itself, so every new one first removes
 * the directories of owners that no longer exist.
 */
export function createRunDir(id: string, root = RUN_ROOT): RunDir {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  sweepStaleRunDirs(root);
  const path = join(root, id);
  mkdirSync(path, { mode: 0o700 });
  writeFileSync(join(path, 'owner'), `${process.pid}\n`);
  const upper = join(path, 'upper');
  const work = join(path, 'work');
  const merged = join(path, 'merged');
  mkdirSync(upper);
  mkdirSync(work);
  mkdirSync(merged);
  return { path, upper, work, merged, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function sweepStaleRunDirs(root: string): void {
  for (const name of readdirSync(root)) {
    let owner: number;
    try {
      owner = Number(readFileSync(join(root, name, 'owner'), 'utf8'));
    } catch {
      continue; // not ours, or being created
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
