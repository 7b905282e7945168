import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * Replace `path` with `data` so that a reader sees the old file or the new
 * one, never a part: written to `path.new`, synced, renamed over. The sync
 * comes before the rename because on a disk file system (a `--root` off
 * tmpfs) a crash could otherwise leave the renamed file empty; the
 * directory is not synced, as no container outlives a crash of the machine
 * that would lose the rename. A stray
 * `path.new` from a writer that died is overwritten by the next one. The
 * caller holds the container's lock, or owns the directory alone.
 */
export function writeFileAtomic(path: string, data: string): void {
  const temp = `${path}.new`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
