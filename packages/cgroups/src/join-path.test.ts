import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNormalAbsolute, joinAbsolute, joinName } from './join-path.js';

const DIRS = [
  '/sys/fs/cgroup/cpu,cpuacct',
  '/',
  '',
  '/a/',
  '/a//b',
  '/a/./b',
  '/a/../b',
  '/a/.',
  '/a/..',
  '/.x',
  '/...',
  'rel',
];
const PATHS = ['/gocontainer/c1', '/', '/x/', '//x', '/x/./y', '/x/../../y', '/..', '/.hidden/..x', 'x/y', '/a b/\n'];
const NAMES = ['cgroup.procs', 'hugetlb.2MB.max', '', '.', '..', 'a/b', '../x', '.x', '...'];

describe('joinAbsolute / joinName', () => {
  it('return what path.join returns, for normal paths and any other', () => {
    for (const dir of DIRS) {
      for (const path of PATHS) expect(joinAbsolute(dir, path), `${dir} + ${path}`).toBe(join(dir, path));
      for (const name of NAMES) expect(joinName(dir, name), `${dir} + ${name}`).toBe(join(dir, name));
    }
  });

  it('takes only absolute paths join() would leave as they are for normal', () => {
    expect(['/sys/fs/cgroup', '/gocontainer/c1', '/.x', '/...'].every(isNormalAbsolute)).toBe(true);
    expect(['/', '', 'a', '/a/', '//a', '/a/./b', '/a/..', '/.'].some(isNormalAbsolute)).toBe(false);
  });
});
