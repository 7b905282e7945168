import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, type createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import { createProbeRoot } from '../../test-support/probe-root.js';

/**
 * A read-only volume must be read-only all the way down, and io_uring (whose
 * ring runs openat, socket, ... where seccomp cannot see) must be closed.
 *
 * SAFETY: these tests bind the host's whole root into a container. Nothing
 * here may write to the host even if the fix is broken: gc-probe `open-write`
 * only opens (O_WRONLY, no O_TRUNC) and exits without writing, and
 * `create-tmpfile` makes an unnamed O_TMPFILE file that is gone when the
 * probe exits. The only named files written are in a temp dir of our own.
 */
describe.skipIf(!canRunIntegration())('read-only volumes and io_uring (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  beforeAll(() => {
    root = createProbeRoot();
  });
  afterAll(() => root.remove());

  const probe = async (flags: string[], ...args: string[]) => {
    const r = await gocontainer(['run', ...flags, '--rootfs', root.path, '/bin/gc-probe', ...args]);
    expect(r.stderr).toBe('');
    return r.stdout.trim();
  };

  // Paths on the host's submounts (proc, sysfs, cgroup, tmpfs) that a container must never open for writing.
  const kernelFiles = [
    '/proc/sys/kernel/core_pattern',
    '/proc/sys/vm/drop_caches',
    '/sys/fs/cgroup/memory/release_agent',
  ].filter((path) => existsSync(path));

  it('finds the host files the attack needs', () => {
    // Without them the attack below would prove nothing.
    expect(kernelFiles).toContain('/proc/sys/kernel/core_pattern');
    expect(kernelFiles).toContain('/proc/sys/vm/drop_caches');
    expect(existsSync('/dev/shm')).toBe(true);
  });

  it.each(kernelFiles)('-v /:/host:ro: /host%s does not open for writing', async (path) => {
    expect(await probe(['-v', '/:/host:ro'], 'open-write', `/host${path}`)).toMatch(/^(EROFS|EACCES)$/);
  });

  it('-v /:/host:ro: no file can be made in /host/dev/shm', async () => {
    expect(await probe(['-v', '/:/host:ro'], 'create-tmpfile', '/host/dev/shm')).toMatch(/^(EROFS|EACCES)$/);
  });

  it('-v /:/host:ro: the top of the volume is read-only too', async () => {
    const own = mkdtempSync(join(tmpdir(), 'gc-rro-top-'));
    try {
      const r = await gocontainer([
        'run',
        '-v',
        '/:/host:ro',
        '--rootfs',
        root.path,
        '/bin/sh',
        '-c',
        `echo x > /host${own}/f`,
      ]);
      expect(r.stderr).toMatch(/Read-only file system/);
      expect(r.code).not.toBe(0);
      expect(readdirSync(own)).toEqual([]);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('io_uring_setup is refused (EPERM, the profile default); seccomp=unconfined lets it through', async () => {
    expect(await probe([], 'io-uring-setup')).toBe('EPERM');
    // What the kernel itself answers: ok, ENOSYS without io_uring, EPERM when the sysctl (6.6+) turns it off.
    const sysctl = '/proc/sys/kernel/io_uring_disabled';
    const kernel = !existsSync(sysctl)
      ? /^(ok|ENOSYS)$/
      : readFileSync(sysctl, 'utf8').trim() === '0'
        ? /^ok$/
        : /^EPERM$/;
    expect(await probe(['--security-opt', 'seccomp=unconfined'], 'io-uring-setup')).toMatch(kernel);
  });
});
