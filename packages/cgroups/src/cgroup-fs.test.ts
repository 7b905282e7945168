import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeCgroupFs } from './cgroup-fs.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'gc-cgroup-fs-'));
  dirs.push(d);
  return d;
}
const openFds = () => readdirSync('/proc/self/fd').length;

describe('nodeCgroupFs', () => {
  it('mkdirp makes the missing directories and names the first it made', () => {
    const d = temp();
    expect(nodeCgroupFs.mkdirp?.(join(d, 'a/b'))).toBe(join(d, 'a'));
    expect(nodeCgroupFs.mkdirp?.(join(d, 'a/b/c'))).toBe(join(d, 'a/b/c'));
    expect(nodeCgroupFs.mkdirp?.(join(d, 'a/b'))).toBeUndefined();
    expect(existsSync(join(d, 'a/b/c'))).toBe(true);
  });

  it('writeFileAsync writes the value into an existing file, and closes it', async () => {
    const d = temp();
    writeFileSync(join(d, 'cgroup.procs'), '');
    const before = openFds();
    await nodeCgroupFs.writeFileAsync?.(join(d, 'cgroup.procs'), '4242');
    expect(readFileSync(join(d, 'cgroup.procs'), 'utf8')).toBe('4242');
    expect(openFds()).toBe(before);
  });

  it('writeFileAsync rejects (never throws) when the file is not there, as cgroupfs does', async () => {
    const d = temp();
    const write = nodeCgroupFs.writeFileAsync as (path: string, data: string) => Promise<void>;
    let promise: Promise<void> | undefined;
    expect(() => {
      promise = write(join(d, 'cgroup.procs'), '1');
    }).not.toThrow();
    await expect(promise).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(d, 'cgroup.procs'))).toBe(false);
  });

  it('writeFileAsync closes the file when the write fails', async () => {
    const before = openFds();
    // Every write to /dev/full fails (ENOSPC), as a refused cgroupfs write does after the open.
    await expect(nodeCgroupFs.writeFileAsync?.('/dev/full', '4242')).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(openFds()).toBe(before);
  });
});
