import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Numbers this process's temp names, so that no two of its writes share one. */
let temps = 0;

/** A name in tmp/ no other writer uses: `kind-pid-n-random`. */
export function tempPath(tmp: string, kind: string): string {
  return join(tmp, `${kind}-${process.pid}-${++temps}-${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * Write `data` to `path` by the file `temp` (same filesystem), flushed and
 * renamed into place: a reader sees the old file or the new one, and a
 * crash leaves no half file at `path`. `temp` is overwritten: it must be a
 * name no other writer uses (tempPath), or one only a lock's holder writes.
 * `sync: false` leaves out the syncs (of the file and of the directory):
 * readers see the old file or the new one all the same, but after a crash
 * of the machine the file may be missing or empty.
 */
export function writeFileAtomic(
  temp: string,
  path: string,
  data: string | Uint8Array,
  mode = 0o644,
  { sync = true }: { sync?: boolean } = {},
): void {
  try {
    const fd = openSync(temp, 'w', mode);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
  if (sync) fsyncDir(dirname(path));
}

/** Make a rename in `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
