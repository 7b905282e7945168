import { describe, expect, it } from 'vitest';
import { defaultDevices, defaultMounts, devSymlinks, makedev } from './dev.js';

describe('/dev', () => {
  it('encodes dev_t as the kernel decodes it', () => {
    expect(makedev(1, 3)).toBe(0x103);
    expect(makedev(5, 0)).toBe(0x500);
    // A minor above 255: the low byte stays low, the rest goes above the major.
    expect(makedev(136, 300)).toBe((300 & 0xff) | (136 << 8) | ((300 & ~0xff) << 12));
    expect(makedev(4095, 0xfffff)).toBe(0xffffffff);
    expect(() => makedev(4096, 0)).toThrow(RangeError);
  });

  it('has the nodes and links runc creates', () => {
    expect(defaultDevices().map((d) => `${d.path} ${d.type} ${d.major}:${d.minor} ${d.fileMode.toString(8)}`)).toEqual([
      '/dev/null c 1:3 666',
      '/dev/zero c 1:5 666',
      '/dev/full c 1:7 666',
      '/dev/random c 1:8 666',
      '/dev/urandom c 1:9 666',
      '/dev/tty c 5:0 666',
    ]);
    expect(devSymlinks(true).map(([name]) => name)).toEqual(['fd', 'stdin', 'stdout', 'stderr', 'core', 'ptmx']);
    expect(devSymlinks(false).map(([name]) => name)).not.toContain('core');
  });

  it("defaultMounts are Docker's", () => {
    expect(defaultMounts().map((m) => `${m.type} ${m.destination}`)).toEqual([
      'proc /proc',
      'tmpfs /dev',
      'devpts /dev/pts',
      'sysfs /sys',
      'cgroup /sys/fs/cgroup',
      'mqueue /dev/mqueue',
      'tmpfs /dev/shm',
    ]);
  });
});
