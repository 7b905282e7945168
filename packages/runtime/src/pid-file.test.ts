import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writePidFile } from './pid-file.js';

describe('writePidFile', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'gc-pidfile-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes the pid, no newline, replacing an old file', () => {
    const d = dir();
    writeFileSync(join(d, 'init.pid'), '999999');
    writePidFile(join(d, 'init.pid'), 4242);
    expect(readFileSync(join(d, 'init.pid'), 'utf8')).toBe('4242');
  });

  it('never writes through a symlink planted where a temporary file could be (a world-writable directory)', () => {
    const d = dir();
    const victim = join(d, 'victim');
    writeFileSync(victim, 'precious');
    // runc's temporary name, and ours if it were predictable.
    symlinkSync(victim, join(d, '.c.pid'));
    writePidFile(join(d, 'c.pid'), 4242);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(d, 'c.pid')).isFile()).toBe(true);
    expect(readFileSync(join(d, 'c.pid'), 'utf8')).toBe('4242');
    expect(lstatSync(join(d, '.c.pid')).isSymbolicLink()).toBe(true);
  });

  it('names the file when it cannot be written, and leaves no temporary file', () => {
    const d = dir();
    expect(() => writePidFile(join(d, 'no/such/dir/c.pid'), 1)).toThrow(/write the pid file .*c\.pid: ENOENT/);
  });
});
