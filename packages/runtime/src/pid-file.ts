import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError } from './fs-error.js';

/**
 * Write a process's pid to `path` (runc's `--pid-file`) so that a reader
 * (containerd's shim, conmon) sees no file or the whole pid, never a part:
 * the digits, without a newline, go to `.NAME` beside it (synced) and are
 * renamed over `path`, as runc does. A failure removes the temporary file
 * and throws a GcError (`EPIDFILE`) naming the step.
 */
export function writePidFile(path: string, pid: number): void {
  const temp = join(dirname(path), `.${basename(path)}`);
  try {
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_SYNC, 0o666);
    try {
      writeSync(fd, String(pid));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw fsError(`write the pid file ${path}`, e, 'EPIDFILE');
  }
}
