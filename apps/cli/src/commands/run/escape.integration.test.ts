import { existsSync } from 'node:fs';
import { canRunIntegration, type createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import { createProbeRoot } from '../../test-support/probe-root.js';

/**
 * The escape suite: each attempt must fail in a default container, and (where
 * Docker's would) succeed with --privileged, which proves the attempt itself
 * works. gc-probe prints "ok" or the errno's name.
 */
describe.skipIf(!canRunIntegration())('escape attempts from a default container (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  beforeAll(() => {
    root = createProbeRoot();
  });
  afterAll(() => root.remove());

  const probe = async (flags: string[], ...args: string[]) => {
    const r = await gocontainer(['run', ...flags, '--rootfs', root.path, '/bin/gc-probe', ...args]);
    return r.stdout.trim();
  };

  it.each([
    ['mount', ['mount'], 'EPERM', 'ok'],
    ['unshare -U', ['unshare-user'], 'EPERM', 'ok'],
    ['keyctl', ['keyctl'], 'EPERM', 'ok'],
    ['reboot', ['reboot'], 'EPERM', 'EINVAL'], // a PID namespace's init refuses CAD_OFF with EINVAL
    ['loading a kernel module', ['init-module'], 'EPERM', /^(ENOSYS|ENOEXEC|EINVAL|EFAULT)$/],
    ['mknod of a block device', ['mknod-block', '/tmp/sda'], 'EPERM', 'ok'],
  ] as const)('%s is refused, and works with --privileged', async (_name, args, confined, privileged) => {
    expect(await probe([], ...args)).toBe(confined);
    const got = await probe(['--privileged'], ...args);
    if (typeof privileged === 'string') expect(got).toBe(privileged);
    else expect(got).toMatch(privileged);
  });

  it('ptrace of PID 1 is refused; CAP_SYS_PTRACE allows it', async () => {
    const r = await gocontainer(['run', '--rootfs', root.path, '/bin/sh', '-c', 'gc-probe ptrace 1']);
    expect(r.stdout.trim()).toBe('EPERM');
    const allowed = await gocontainer([
      'run',
      '--cap-add',
      'SYS_PTRACE',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'sleep 1 & gc-probe ptrace $!; kill $!',
    ]);
    expect(allowed.stdout.trim()).toBe('ok');
  });

  it('raw sockets need NET_RAW', async () => {
    expect(await probe(['--cap-drop', 'NET_RAW'], 'raw-socket')).toBe('EPERM');
    expect(await probe([], 'raw-socket')).toBe('ok');
  });

  it('only fds 0-2 are open', async () => {
    const r = await gocontainer(['run', '--rootfs', root.path, '/bin/ls', '/proc/self/fd']);
    // 3 is ls's own directory fd.
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['0', '1', '2', '3']);
  });

  it("CapEff, NoNewPrivs and Seccomp are Docker's (with no_new_privs on)", async () => {
    const r = await gocontainer([
      'run',
      '--rootfs',
      root.path,
      '/bin/grep',
      '-E',
      '^(CapEff|NoNewPrivs|Seccomp):',
      '/proc/self/status',
    ]);
    expect(r.stdout).toBe('CapEff:\t00000000a80425fb\nNoNewPrivs:\t1\nSeccomp:\t2\n');
    const privileged = await gocontainer([
      'run',
      '--privileged',
      '--rootfs',
      root.path,
      '/bin/grep',
      '-E',
      '^(NoNewPrivs|Seccomp):',
      '/proc/self/status',
    ]);
    expect(privileged.stdout).toBe('NoNewPrivs:\t0\nSeccomp:\t0\n');
  });

  it('kernel files are masked or read-only, /sys/firmware hidden', async () => {
    // This kernel may lack /proc/kcore or /proc/sysrq-trigger: then the
    // container must not have them either; where they exist, reads give
    // nothing and writes are refused.
    const script =
      'cat /proc/kcore 2>/dev/null | wc -c; wc -c < /proc/keys; ' +
      '(echo h > /proc/sysrq-trigger) 2>/dev/null && echo sysrq-written || echo sysrq-refused; ls /sys/firmware | wc -l; ' +
      'test -e /proc/sysrq-trigger && echo sysrq-present || echo sysrq-absent';
    const r = await gocontainer(['run', '--rootfs', root.path, '/bin/sh', '-c', script]);
    const sysrq = existsSync('/proc/sysrq-trigger') ? 'sysrq-present' : 'sysrq-absent';
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual(['0', '0', 'sysrq-refused', '0', sysrq, '']);
    const p = await gocontainer([
      'run',
      '--privileged',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'wc -c < /proc/keys; ls /sys/firmware | wc -l',
    ]);
    const [keys, firmware] = p.stdout.trim().split('\n').map(Number);
    expect(keys).toBeGreaterThan(0);
    expect(firmware).toBeGreaterThan(0);
  });

  it('/proc/1/exe is no writable host binary', async () => {
    // With --init, PID 1 runs from a sealed memfd.
    const init = await gocontainer([
      'run',
      '--init',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'readlink /proc/1/exe; gc-probe open-write /proc/1/exe',
    ]);
    const [link, open] = init.stdout.trim().split('\n');
    expect(link).toMatch(/^\/memfd:gc-init/);
    expect(open).toMatch(/^(ETXTBSY|EPERM|EACCES)$/);
    // Without it, PID 1 is the container's own command, busy while it runs.
    const plain = await gocontainer(['run', '--rootfs', root.path, '/bin/gc-probe', 'open-write', '/proc/1/exe']);
    expect(plain.stdout.trim()).toBe('ETXTBSY');
  });
});
