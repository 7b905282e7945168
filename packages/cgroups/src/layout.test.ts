import { describe, expect, it } from 'vitest';
import { detectCgroupLayout, hostCgroupLayout } from './layout.js';

const HYBRID_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const HYBRID_CGROUP = '9:name=systemd:/\n4:memory:/x\n2:cpuacct:/\n1:cpu:/\n0::/\n';

describe('detectCgroupLayout', () => {
  it('finds a hybrid host: v1 controllers and the cgroup2 mount', () => {
    const layout = detectCgroupLayout({ mountinfo: HYBRID_MOUNTINFO, procCgroup: HYBRID_CGROUP });
    expect(layout).toEqual({
      mode: 'hybrid',
      unified: '/sys/fs/cgroup/unified',
      v1: {
        cpu: '/sys/fs/cgroup/cpu',
        cpuacct: '/sys/fs/cgroup/cpuacct',
        memory: '/sys/fs/cgroup/memory',
        'name=systemd': '/sys/fs/cgroup/systemd',
      },
    });
  });

  it('finds a v1 host with co-mounted controllers', () => {
    const mountinfo = '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n';
    const layout = detectCgroupLayout({ mountinfo, procCgroup: '1:cpu,cpuacct:/\n' });
    expect(layout).toEqual({
      mode: 'v1',
      v1: { cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct' },
    });
  });

  it('finds a v2 host, unescaping the mount point', () => {
    const mountinfo = '30 23 0:26 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n';
    expect(detectCgroupLayout({ mountinfo, procCgroup: '0::/user.slice\n' })).toEqual({
      mode: 'v2',
      unified: '/sys/fs/my cgroup',
      v1: {},
    });
  });

  it('says when there is no cgroup at all', () => {
    expect(() => detectCgroupLayout({ mountinfo: '', procCgroup: '' })).toThrow(/no cgroup hierarchy is mounted/);
  });

  it('reads this process', () => {
    expect(['v1', 'v2', 'hybrid']).toContain(detectCgroupLayout().mode);
  });

  it('looks only at the separator of each line, and keeps the first cgroup2 mount', () => {
    const mountinfo = [
      // Optional fields, and a mount point that spells " - cgroup" (mountinfo escapes its spaces).
      '25 1 0:22 / /a\\040-\\040cgroup rw shared:5 master:1 - tmpfs tmpfs rw',
      '26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:6 - cgroup2 cgroup2 rw,nsdelegate',
      '27 25 0:24 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,nosuid,pids,name=x',
      // A bind mount of the cgroup2 mount, last line without a newline.
      '28 25 0:23 / /mnt/cg2 rw - cgroup2 cgroup2 rw',
    ].join('\n');
    expect(detectCgroupLayout({ mountinfo, procCgroup: '\n2:pids,name=x:/\n0::/\n\n' })).toEqual({
      mode: 'hybrid',
      unified: '/sys/fs/cgroup/unified',
      v1: { pids: '/sys/fs/cgroup/pids', 'name=x': '/sys/fs/cgroup/pids' },
    });
  });

  it('takes a host with only named v1 hierarchies, or a process only in 0::, for a v2 host', () => {
    const mountinfo = `40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
`;
    expect(detectCgroupLayout({ mountinfo, procCgroup: '1:name=systemd:/\n0::/\n' }).mode).toBe('v2');
    expect(detectCgroupLayout({ mountinfo: HYBRID_MOUNTINFO, procCgroup: '0::/x\n  \n' }).mode).toBe('v2');
  });

  it('detects this host once per process', () => {
    expect(hostCgroupLayout()).toBe(hostCgroupLayout());
    expect(hostCgroupLayout()).toEqual(detectCgroupLayout());
  });
});
