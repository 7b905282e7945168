import { SyscallError } from '@gc/syscall';
import { describe, expect, it } from 'vitest';
import { formatIdMap, hasCapSetgid } from './id-maps.js';
import { childNamespacesOf, namespaceOf, namespacesOf, sameNamespace } from './inspect.js';
import { formatTimeOffsets } from './time-offsets.js';

// /proc/self/ns is readable by any user for the own process: no root needed.
describe.skipIf(process.platform !== 'linux')('namespacesOf', () => {
  it('lists this process namespaces with kernel names mapped to OCI ones', async () => {
    const infos = await namespacesOf();
    const types = infos.map((i) => i.type);
    expect(types).toEqual(expect.arrayContaining(['mount', 'uts', 'ipc', 'pid', 'network', 'cgroup', 'user']));
    const net = infos.find((i) => i.type === 'network');
    expect(net?.path).toBe('/proc/self/ns/net');
    expect(net?.inode).toBeGreaterThan(0);
    expect(await namespaceOf(process.pid, 'network')).toEqual({ ...net, path: `/proc/${process.pid}/ns/net` });
  });

  it('sameNamespace compares inodes', async () => {
    expect(await sameNamespace('self', process.pid, 'mount')).toBe(true);
  });

  it('childNamespacesOf reads pid_for_children', async () => {
    const [pid] = await childNamespacesOf();
    expect(pid?.path).toBe('/proc/self/ns/pid_for_children');
    expect(pid?.inode).toBe((await namespaceOf('self', 'pid')).inode);
  });

  it('a missing process is a SyscallError naming the pid', async () => {
    const error = await namespacesOf(2 ** 30).catch((e: unknown) => e);
    expect(SyscallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^list the namespaces of pid 1073741824 \/proc\/1073741824\/ns \(namespaces\): ENOENT/,
    );
    await expect(namespacesOf(0)).rejects.toThrow("pid: expected a positive integer or 'self', got 0");
  });
});

describe('formats', () => {
  it('id maps and time offsets', () => {
    expect(formatIdMap([{ containerID: 0, hostID: 1000, size: 1 }])).toBe('0 1000 1\n');
    expect(formatTimeOffsets({ boottime: { secs: 3, nanosecs: 4 } })).toBe('boottime 3 4\n');
  });

  it('hasCapSetgid reads CapEff', () => {
    expect(hasCapSetgid('CapEff:\t000001ffffffffff\n')).toBe(true);
    expect(hasCapSetgid('CapEff:\t0000000000000000\n')).toBe(false);
    expect(hasCapSetgid('CapEff:\t0000000000000040\n')).toBe(true);
  });
});
