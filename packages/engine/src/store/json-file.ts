import { closeSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import { ENGINE_BAD_RECORD } from './errors.js';

/** A file of the store as JSON; undefined when there is none. One that does not parse is an error naming it. */
export function readJsonFile<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new GcError(ENGINE_BAD_RECORD, `${path}: not JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Write `data` by a temp file renamed over `path`: a reader sees the old file or the new one, never half. */
export function writeFileAtomic(path: string, data: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
