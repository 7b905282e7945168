import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError } from './fs-error.js';

/** Numbers this process's temporary names. */
let temps = 0;

/**
 * Write a process's pid to `path` (runc's `--pid-file`) so that a reader
 * (containerd's shim, conmon) sees no file or the whole pid, never a part:
 * the digits, without a newline, go to a new temporary file beside it
 * (synced) that is renamed over `path`. The temporary file is made with
 * O_EXCL | O_NOFOLLOW: in a directory others can write to, a symlink
 * planted at its name is never followed (as root, that would overwrite any
 * file); at worst the write fails. A failure removes the temporary file
 * if it was made, and throws a GcError (`EPIDFILE`) naming the step.
 */
export function writePidFile(path: string, pid: number): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${(temps++).toString(36)}`);
  let made = false;
  try {
    const fd = openSync(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_SYNC,
      0o644,
    );
    made = true;
    try {
      writeSync(fd, String(pid));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    if (made) rmSync(temp, { force: true });
    throw fsError(`write the pid file ${path}`, e, 'EPIDFILE');
  }
}
