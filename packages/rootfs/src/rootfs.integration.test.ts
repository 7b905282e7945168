import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type Kernel, Program } from '@gc/syscall';
import {
  type BusyboxRoot,
  CONTAINER_CLONE_FLAGS,
  canRunIntegration,
  createBusyboxRoot,
  runProgram,
} from '@gc/syscall/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMounts } from './dev.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './masked-paths.js';
import { planRootfs } from './plan-rootfs.js';
import { hostMountsMentioning } from './test-support/host-mounts.js';
import type { RootfsInput } from './types.js';

/** Run in a container's namespaces, stdout and stderr on one pipe. */
function run(kernel: Kernel, program: Program) {
  return runProgram(kernel, program, { cloneFlags: CONTAINER_CLONE_FLAGS, stderr: 'stdout' });
}

function container(input: RootfsInput, script: string): Program {
  const program = new Program();
  planRootfs(program, input);
  program.scope('@gc/test').execvp('/bin/sh', ['/bin/sh', '-c', script], ['PATH=/bin'], 'exec sh');
  return program;
}

function docker(root: string, extra: RootfsInput['mounts'] = []): RootfsInput {
  return {
    root: { path: root },
    mounts: [...defaultMounts(), ...extra],
    maskedPaths: [...DEFAULT_MASKED_PATHS],
    readonlyPaths: [...DEFAULT_READONLY_PATHS],
  };
}

describe.skipIf(!canRunIntegration())('planRootfs (integration, root)', () => {
  const kernel = createKernel();
  let root: BusyboxRoot;
  let scratch: string;

  beforeEach(() => {
    root = createBusyboxRoot();
    scratch = mkdtempSync(join(tmpdir(), 'gc-rootfs-test-'));
  });
  afterEach(() => {
    // Every mount lived in the child's mount namespace: none is left on the host.
    expect(hostMountsMentioning(root.path)).toEqual([]);
    expect(hostMountsMentioning(scratch)).toEqual([]);
    root.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("mounts Docker's defaults: /proc with PID 1, masked and read-only kernel paths", async () => {
    const script = [
      'echo pid=$$',
      'echo comm=$(cat /proc/1/comm)',
      'echo timer_list=$(wc -c </proc/timer_list)',
      'echo keys=$(wc -c </proc/keys)',
      'echo acpi=$(ls -A /proc/acpi | wc -l)',
      'echo firmware=$(ls -A /sys/firmware | wc -l)',
      'echo x 2>/dev/null >/proc/sys/kernel/hostname && echo procsys=rw || echo procsys=ro',
      'echo x 2>/dev/null >/sys/kernel/uevent_helper && echo sys=rw || echo sys=ro',
      'echo cgroups=$(ls /sys/fs/cgroup | tr "\\n" " ")',
      'touch /sys/fs/cgroup/x 2>/dev/null && echo cgroupfs=rw || echo cgroupfs=ro',
      'awk \'$5 == "/sys/fs/cgroup/unified" { for (i = 7; i <= NF; i++) if ($i == "-") print "unified", $4, $6, $(i + 1) }\' /proc/self/mountinfo',
      'test -f /sys/fs/cgroup/unified/cgroup.procs && echo unified-procs=yes',
    ].join('; ');
    const { stdout, startError, status } = await run(kernel, container(docker(root.path), script));
    expect(startError).toBeNull();
    expect(status).toEqual({ code: 0 });
    expect(stdout).toContain('pid=1\n');
    expect(stdout).toContain('comm=sh\n');
    // Masked files read as /dev/null, masked directories are empty.
    expect(stdout).toContain('timer_list=0\n');
    expect(stdout).toContain('keys=0\n');
    expect(stdout).toContain('acpi=0\n');
    expect(stdout).toContain('firmware=0\n');
    expect(stdout).toContain('procsys=ro\n');
    expect(stdout).toContain('sys=ro\n');
    expect(stdout).toContain('cgroupfs=ro\n');
    expect(stdout).toMatch(/cgroups=.*\bmemory\b/);
    if (existsSync('/sys/fs/cgroup/unified/cgroup.procs')) {
      // A hybrid host's cgroup2, the whole hierarchy (no cgroup namespace), read-only like the rest.
      expect(stdout).toMatch(/^unified \/ ro,nosuid,nodev,noexec\S* cgroup2$/m);
      expect(stdout).toContain('unified-procs=yes\n');
    }
    // /proc/kcore is not in this kernel: it was skipped, not failed on.
    expect(existsSync('/proc/kcore') || !stdout.includes('kcore')).toBe(true);
  });

  it('populates /dev: nodes with the right numbers, links, devpts, shm and mqueue', async () => {
    const script = [
      'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done',
      'echo hi >/dev/null && echo devnull=writable',
      'echo fd=$(readlink /dev/fd) ptmx=$(readlink /dev/ptmx) stdin=$(readlink /dev/stdin)',
      'awk \'{ for (i = 7; i <= NF; i++) if ($i == "-") print "mount", $5, $(i + 1) }\' /proc/self/mountinfo',
    ].join('; ');
    const { stdout, startError } = await run(kernel, container(docker(root.path), script));
    expect(startError).toBeNull();
    for (const line of [
      '/dev/null character special file 1:3 666',
      '/dev/zero character special file 1:5 666',
      '/dev/full character special file 1:7 666',
      '/dev/random character special file 1:8 666',
      '/dev/urandom character special file 1:9 666',
      '/dev/tty character special file 5:0 666',
    ]) {
      expect(stdout).toContain(`${line}\n`);
    }
    expect(stdout).toContain('devnull=writable\n');
    expect(stdout).toContain('fd=/proc/self/fd ptmx=pts/ptmx stdin=/proc/self/fd/0\n');
    expect(stdout).toContain('mount /dev/pts devpts\n');
    expect(stdout).toContain('mount /dev/shm tmpfs\n');
    expect(stdout).toContain('mount /dev/mqueue mqueue\n');
  });

  it('binds a host directory: writes reach the host, ro refuses them; a sized tmpfs', async () => {
    const volume = join(scratch, 'volume');
    mkdirSync(volume);
    writeFileSync(join(volume, 'from-host'), 'host\n');
    const input = docker(root.path, [
      { destination: '/data', type: 'bind', source: volume, options: ['rbind', 'rprivate'] },
      { destination: '/deep/ro/data', type: 'bind', source: volume, options: ['bind', 'ro'] },
      { destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'mode=1777'] },
    ]);
    const script = [
      'cat /data/from-host',
      'echo inside >/data/from-container',
      'echo x 2>/dev/null >/deep/ro/data/nope && echo ro=writable || echo ro=refused',
      'cat /deep/ro/data/from-host',
      'grep " /scratch " /proc/self/mountinfo | grep -o "size=[0-9]*k"',
      'stat -c "%a" /scratch',
    ].join('; ');
    const { stdout, startError } = await run(kernel, container(input, script));
    expect(startError).toBeNull();
    expect(stdout).toBe('host\nro=refused\nhost\nsize=1024k\n1777\n');
    expect(readFileSync(join(volume, 'from-container'), 'utf8')).toBe('inside\n');
    expect(existsSync(join(volume, 'nope'))).toBe(false);
    // The missing mount point was made inside the root, component by component.
    expect(existsSync(join(root.path, 'deep/ro/data'))).toBe(true);
  });

  it('makes the root read-only while a tmpfs on it stays writable, and goes to cwd', async () => {
    const input: RootfsInput = {
      root: { path: root.path, readonly: true },
      mounts: [
        { destination: '/proc', type: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
        { destination: '/tmp', type: 'tmpfs', options: ['nosuid', 'nodev'] },
      ],
      cwd: '/srv/app',
    };
    const script = 'pwd; touch /x 2>/tmp/err && echo root=rw || echo root=ro; touch /tmp/y && echo tmp=rw';
    const { stdout, startError } = await run(kernel, container(input, script));
    expect(startError).toBeNull();
    expect(stdout).toBe('/srv/app\nroot=ro\ntmp=rw\n');
  });

  it('works without pivot_root (MS_MOVE + chroot)', async () => {
    const input = { ...docker(root.path), noPivot: true };
    const script = 'echo pid=$$; ls / | tr "\\n" " "; echo; wc -c </proc/timer_list';
    const { stdout, startError } = await run(kernel, container(input, script));
    expect(startError).toBeNull();
    expect(stdout).toContain('pid=1\n');
    expect(stdout).toMatch(/^bin dev etc proc root sys tmp $/m);
    expect(stdout).toContain('\n0\n');
  });

  it('assembles an overlay root in the container: writes land in upper, lower untouched', async () => {
    const upper = join(scratch, 'upper');
    const work = join(scratch, 'work');
    mkdirSync(upper);
    mkdirSync(work);
    mkdirSync(join(scratch, 'merged'));
    const input: RootfsInput = {
      root: { overlay: { lower: [root.path], upper, work } },
      mounts: [{ destination: '/proc', type: 'proc' }],
    };
    const script = 'echo new >/new-file; rm /etc/group; ls /bin/sh && echo ok';
    const { stdout, startError } = await run(kernel, container(input, script));
    expect(startError).toBeNull();
    expect(stdout).toBe('/bin/sh\nok\n');
    expect(readFileSync(join(upper, 'new-file'), 'utf8')).toBe('new\n');
    expect(existsSync(join(root.path, 'new-file'))).toBe(false);
    expect(existsSync(join(root.path, 'etc/group'))).toBe(true);
    // Not mounted on the host: merged stays an empty directory there.
    expect(readdirSync(join(scratch, 'merged'))).toEqual([]);
  });

  it('a symlink in the root cannot send a mount or a mkdir to the host', async () => {
    const hostDir = join(scratch, 'host-dir');
    mkdirSync(hostDir);
    const volume = join(scratch, 'volume');
    mkdirSync(volume);
    writeFileSync(join(volume, 'marker'), 'volume\n');
    // Absolute: inside the root this is <root>/<hostDir>, which does not exist.
    symlinkSync(hostDir, join(root.path, 'evil'));
    // Climbing: RESOLVE_IN_ROOT stops `..` at the root, so this is <root>/tmp.
    symlinkSync('../../../../../../tmp', join(root.path, 'climb'));

    const refused = await run(
      kernel,
      container({ root: { path: root.path }, mounts: [{ destination: '/evil/sub', type: 'tmpfs' }] }, 'true'),
    );
    expect(refused.startError?.label).toBe('open /evil in the root');
    expect(refused.startError?.errnoCode).toBe('ENOENT');
    expect(readdirSync(hostDir)).toEqual([]);

    const inside = await run(
      kernel,
      container(
        {
          root: { path: root.path },
          mounts: [{ destination: '/climb/sub', type: 'bind', source: volume, options: ['bind'] }],
        },
        'cat /tmp/sub/marker',
      ),
    );
    expect(inside.startError).toBeNull();
    // The mount point was made inside the root (<root>/tmp/sub) and the bind landed there.
    expect(inside.stdout).toBe('volume\n');
    expect(existsSync(join(root.path, 'tmp/sub'))).toBe(true);
    expect(existsSync('/tmp/sub')).toBe(false);
    expect(readdirSync(hostDir)).toEqual([]);
  });
});
