import { existsSync, readdirSync } from 'node:fs';
import { canRunIntegration, type createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import { createProbeRoot } from '../../test-support/probe-root.js';

/**
 * Devices: a container may make any node (as in Docker), but opens only the
 * few Docker allows, whatever node it made; --device, --device-cgroup-rule
 * and --privileged open more. The devices cgroup (v1) or the eBPF device
 * filter (v2) refuses with EPERM. gc-probe mknod-open prints "ok", the
 * open's errno, or "mknod ERRNO".
 */
describe.skipIf(!canRunIntegration())('devices from a container (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  beforeAll(() => {
    root = createProbeRoot();
  });
  afterAll(() => root.remove());

  let n = 0;
  /** Make the node under a fresh name in the container's /tmp, then open it. */
  const mknodOpen = async (flags: string[], type: string, major: number, minor: number, access: string) => {
    const path = `/tmp/node-${process.pid}-${n++}`;
    const args = ['mknod-open', type, String(major), String(minor), path, access];
    const r = await gocontainer(['run', ...flags, '--rootfs', root.path, '/bin/gc-probe', ...args]);
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  it.each([
    ['a virtual console, c 4:1', 4, 1, 'rw'],
    ['fuse, c 10:229', 10, 229, 'rw'],
    ['uinput, c 10:223', 10, 223, 'rw'],
    ['the kernel log for writing, c 1:11', 1, 11, 'w'],
  ] as const)('%s: refused by default, opened with --privileged', async (_name, major, minor, access) => {
    expect(await mknodOpen([], 'c', major, minor, access)).toBe('EPERM');
    // Past the device check, an open may still find no driver on this host (uinput here).
    expect(await mknodOpen(['--privileged'], 'c', major, minor, access)).toMatch(/^(ok|ENODEV|ENXIO)$/);
  });

  it("--privileged gives the host's device nodes, but keeps its own ptmx", async () => {
    const host = readdirSync('/dev').filter((name) => /^(tty\d+|fuse|kmsg|loop\d+)$/.test(name));
    const r = await gocontainer([
      'run',
      '--privileged',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      `cd /dev && ls ${host.join(' ')} && readlink ptmx && gc-probe mknod-open c 1 11 /dev/kmsg w`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([...host.sort(), 'pts/ptmx', 'ok']);
  });

  it('--device-cgroup-rule allows what it names, and only that', async () => {
    expect(await mknodOpen(['--device-cgroup-rule', 'c 10:229 rwm'], 'c', 10, 229, 'rw')).toBe('ok');
    expect(await mknodOpen(['--device-cgroup-rule', 'c 10:229 r'], 'c', 10, 229, 'w')).toBe('EPERM');
    expect(await mknodOpen(['--device-cgroup-rule', 'c 10:229 rwm'], 'c', 4, 1, 'rw')).toBe('EPERM');
  });

  it.skipIf(!existsSync('/dev/fuse'))('--device adds the node to /dev and allows it with its permissions', async () => {
    const run = (flags: string[], script: string) =>
      gocontainer(['run', ...flags, '--rootfs', root.path, '/bin/sh', '-c', script]);
    const added = await run(['--device', '/dev/fuse'], 'ls -ln /dev/fuse; gc-probe mknod-open c 10 229 /dev/fuse rw');
    expect(added.stdout).toMatch(/^crw------- +1 0 +0 +10, +229 .*\/dev\/fuse\nok\n$/);
    const renamed = await run(
      ['--device', '/dev/fuse:/dev/other:r'],
      'gc-probe mknod-open c 10 229 /dev/other r; gc-probe mknod-open c 10 229 /dev/other w',
    );
    expect(renamed.stdout).toBe('ok\nEPERM\n');
    // The rule is for the device, not the path: the same node made elsewhere opens too.
    expect(await mknodOpen(['--device', '/dev/fuse'], 'c', 10, 229, 'rw')).toBe('ok');
  });

  it('null, zero, full, urandom, tty, ptmx and the pts devices still work', async () => {
    const r = await gocontainer([
      'run',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'echo x > /dev/null && head -c 3 /dev/zero | wc -c && head -c 5 /dev/urandom | wc -c && ' +
        '(echo x > /dev/full) 2>&1; gc-probe mknod-open c 5 2 /dev/pts/ptmx rw; ' +
        // No controlling terminal here: /dev/tty answers ENXIO, past the device check.
        'gc-probe mknod-open c 5 0 /dev/tty rw; gc-probe mknod-open c 136 0 /tmp/pts0 rw',
    ]);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2).map((l) => l.trim())).toEqual(['3', '5']);
    expect(lines[2]).toMatch(/No space left on device/);
    expect(lines[3]).toBe('ok');
    expect(lines[4]).toMatch(/^(ok|ENXIO)$/);
    expect(lines[5]).not.toBe('EPERM');
    expect(lines).toHaveLength(6);
  });

  it('names the flag and the value it cannot use', async () => {
    const bad = (flags: string[]) => gocontainer(['run', ...flags, '--rootfs', root.path, '/bin/true']);
    const rule = await bad(['--device-cgroup-rule', 'x 1:2 r']);
    expect(rule.code).toBe(125);
    expect(rule.stderr).toBe(
      'gocontainer: --device-cgroup-rule: "x 1:2 r": expected TYPE MAJOR:MINOR ACCESS ' +
        '(type a, b or c; major and minor a number or *; access some of rwm)\n',
    );
    const notDevice = await bad(['--device', '/etc/passwd']);
    expect(notDevice.code).toBe(125);
    expect(notDevice.stderr).toBe(
      'gocontainer: --device: "/etc/passwd": /etc/passwd is not a character or block device\n',
    );
    const missing = await bad(['--device', '/dev/nonexistent-gc']);
    expect(missing.stderr).toBe(
      'gocontainer: --device: "/dev/nonexistent-gc": cannot stat /dev/nonexistent-gc on the host (ENOENT)\n',
    );
    const perms = await bad(['--device', '/dev/fuse:/dev/fuse:rx']);
    expect(perms.stderr).toBe(
      'gocontainer: --device: "/dev/fuse:/dev/fuse:rx": the permissions "rx" must be some of r, w and m\n',
    );
  });
});
