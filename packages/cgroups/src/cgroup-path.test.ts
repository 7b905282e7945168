import { describe, expect, it } from 'vitest';
import { resolveCgroupPath } from './cgroup-path.js';

describe('resolveCgroupPath', () => {
  it('puts the id under /gocontainer by default', () => {
    expect(resolveCgroupPath({ id: 'abc' })).toBe('/gocontainer/abc');
  });
  it('puts relative paths under the parent, absolute ones at the root', () => {
    expect(resolveCgroupPath({ cgroupsPath: 'a/b' })).toBe('/gocontainer/a/b');
    expect(resolveCgroupPath({ cgroupsPath: 'a/b', parent: 'ci/jobs' })).toBe('/ci/jobs/a/b');
    expect(resolveCgroupPath({ cgroupsPath: '/x//y/', parent: '/p' })).toBe('/x/y');
    expect(resolveCgroupPath({ id: 'c1', parent: '/my-parent' })).toBe('/my-parent/c1');
  });
  it('refuses systemd paths, "..", the root and nothing', () => {
    expect(() => resolveCgroupPath({ cgroupsPath: 'system.slice:docker:abc' })).toThrow(
      'linux.cgroupsPath: "system.slice:docker:abc" is a systemd path (slice:prefix:name): systemd cgroup driver is not supported yet',
    );
    expect(() => resolveCgroupPath({ cgroupsPath: '/a/../../etc' })).toThrow(
      /linux.cgroupsPath: expected a path without ".."/,
    );
    expect(() => resolveCgroupPath({ cgroupsPath: '/' })).toThrow(/below the root/);
    expect(() => resolveCgroupPath({})).toThrow(/expected linux.cgroupsPath or a container id/);
    expect(() => resolveCgroupPath({ id: 'a/b' })).toThrow(/id: expected a name without "\/"/);
  });
});
