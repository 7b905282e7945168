import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fsError } from './fs-error.js';

/**
 * Write `--pid-file`: the pid and no newline, as runc writes it, through a
 * temporary file renamed into place, so that a reader (containerd's shim,
 * conmon) never sees it half written.
 */
export function writePidFile(path: string, pid: number): void {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}`);
  try {
    writeFileSync(temp, String(pid), { mode: 0o644 });
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw fsError(`write the pid file ${target}`, e);
  }
}
