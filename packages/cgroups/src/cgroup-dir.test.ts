import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CgroupDir } from './cgroup-dir.js';
import { nodeCgroupFs } from './cgroup-fs.js';

const root = mkdtempSync(join(tmpdir(), 'gc-cgroup-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('CgroupDir.readIfExists', () => {
  const dir = new CgroupDir(root, 1, nodeCgroupFs);

  it('reads a file that is there', () => {
    writeFileSync(join(root, 'pids.max'), 'max\n');
    expect(dir.readIfExists('pids.max')).toBe('max\n');
    expect(dir.readNumber('pids.max')).toBeUndefined();
  });

  it('gives undefined for a file that is not, or a cgroup that is gone', () => {
    expect(dir.readIfExists('memory.peak')).toBeUndefined();
    expect(new CgroupDir(join(root, 'gone'), 1, nodeCgroupFs).readIfExists('cgroup.procs')).toBeUndefined();
    expect(dir.readKeyed('memory.events').size).toBe(0);
  });

  it('still throws, naming the file, when it is there but cannot be read', () => {
    mkdirSync(join(root, 'cpu.stat'));
    expect(() => dir.readIfExists('cpu.stat')).toThrow(`read ${root}/cpu.stat (cgroups): EISDIR`);
  });
});
