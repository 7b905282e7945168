import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer, hostMounts, start } from '../../test-support/gocontainer.js';

/** Every cgroup hierarchy of this host (one directory per v1 mount, and the cgroup2 one). */
function hierarchies(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => {
      const fstype = f[f.indexOf('-') + 1];
      return fstype === 'cgroup' || fstype === 'cgroup2';
    })
    .map((f) => f[4] as string);
}

/** Running processes whose command line is exactly `argv` (zombies excluded: they run nothing). */
function running(argv: string[]): number[] {
  const want = `${argv.join('\0')}\0`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== want) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') out.push(Number(name));
    } catch {
      // it exited meanwhile
    }
  }
  return out;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A container must not outlive gocontainer, and a gocontainer killed with
 * SIGKILL at any moment must leave nothing behind once the next one ran: no
 * cgroup (in any hierarchy), run directory, mount or process.
 */
describe.skipIf(!canRunIntegration())('container lifetime (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  const tag = `${process.pid}-${Date.now() % 100000}`;
  const runRoot = `/run/gc-lifetime-${tag}`;
  const cgroupParent = `/gc-lifetime-${tag}`;

  beforeAll(() => {
    root = createBusyboxRoot();
    chmodSync(root.path, 0o755); // mkdtemp's 0700 would keep uid 65534 out
  });
  afterAll(async () => {
    // Sweeps what a failed test left in the default run root.
    await gocontainer(['run', '--rootfs', root.path, '/bin/true']);
    root.remove();
    rmSync(runRoot, { recursive: true, force: true });
  });

  it.each([
    ['on a --rootfs root', 'rootfs'],
    ['on the default root', 'default'],
    ['with --init (gc-init as PID 1)', 'init'],
  ])(
    '-u 65534 and kill -9 of gocontainer %s: the container is gone within a second',
    async (_name, kind) => {
      const marker = String(7000 + Math.floor(Math.random() * 1000));
      const argv = ['/bin/sleep', marker];
      const flags = { rootfs: ['--rootfs', root.path], default: [], init: ['--init', '--rootfs', root.path] }[kind];
      const child = start(['run', '-u', '65534', ...(flags ?? []), ...argv]);
      // Not 'close': a container that outlived gocontainer holds its stdout open.
      const done = new Promise((resolve) => child.once('exit', resolve));
      try {
        await until('the container runs', () => running(argv).length === 1, 10_000);
        child.kill('SIGKILL');
        await done;
        const killedAt = Date.now();
        await until('the container is gone', () => running(argv).length === 0, 1000);
        expect(Date.now() - killedAt).toBeLessThan(1000);
      } finally {
        for (const pid of running(argv)) process.kill(pid, 'SIGKILL');
      }
    },
    30_000,
  );

  it('kill -9 at random moments of 50 starts, then one run: nothing of those containers is left', async () => {
    const mountsBefore = hostMounts();
    const argv = ['/bin/sleep', String(8000 + Math.floor(Math.random() * 1000))];
    const global = ['--root', runRoot];
    // How long a start takes here, to the container's command: the kills fall anywhere in it and a little after.
    const t0 = Date.now();
    const first = start([...global, 'run', '--cgroup-parent', cgroupParent, '--rootfs', root.path, ...argv]);
    await until('the first container runs', () => running(argv).length === 1, 10_000);
    const startMs = Date.now() - t0;
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const one = async (i: number) => {
      const flags = [
        '--cgroup-parent',
        cgroupParent,
        ...(i % 2 === 0 ? ['--rootfs', root.path] : []),
        ...(i % 3 === 0 ? ['-u', '65534'] : []),
      ];
      const child = start([...global, 'run', ...flags, ...argv]);
      const done = new Promise((resolve) => child.once('exit', resolve));
      await sleep(Math.random() * startMs * 2); // five at once start slower
      child.kill('SIGKILL');
      await done;
    };
    // Five at a time: concurrent starts under one new parent, as a busy host has them.
    for (let i = 0; i < 50; i += 5) await Promise.all([0, 1, 2, 3, 4].map((k) => one(i + k)));

    const r = await gocontainer([
      ...global,
      'run',
      '--cgroup-parent',
      cgroupParent,
      '--rootfs',
      root.path,
      '/bin/true',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(running(argv)).toEqual([]);
    expect(hierarchies().filter((h) => existsSync(join(h, cgroupParent)))).toEqual([]);
    expect(existsSync(runRoot) ? readdirSync(runRoot) : []).toEqual([]);
    expect(hostMounts()).toEqual(mountsBefore);
  }, 120_000);

  it('8 concurrent first runs under a new --cgroup-parent leave no parent behind', async () => {
    const parent = `/gc-lifetime-parent-${tag}`;
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        gocontainer(['run', '--cgroup-parent', `${parent}/sub`, '--rootfs', root.path, '/bin/true']),
      ),
    );
    expect(runs.map((r) => [r.code, r.stderr])).toEqual(runs.map(() => [0, '']));
    expect(hierarchies().filter((h) => existsSync(join(h, parent)))).toEqual([]);
  }, 60_000);

  it.each([
    [
      'no space left (the owner record cannot be written)',
      'size=4k,mode=0700',
      'cat /dev/zero > zero',
      'create the run directory',
    ],
    [
      'no inode left (the directory cannot be made)',
      'size=1m,nr_inodes=4,mode=0700',
      'mkdir a b c d',
      'create the run directory',
    ],
    [
      'space for the owner record, not for /etc/hostname',
      'size=8k,mode=0700',
      'true',
      "write the container's /etc/\\S+ to",
    ],
  ])(
    'a full run root, %s: a one-line error naming the run directory, exit 125, nothing left',
    async (_name, options, fill, step) => {
      const full = `${runRoot}-full`;
      mkdirSync(full, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'gc-lifetime-full', full]);
      try {
        try {
          execFileSync('sh', ['-c', fill], { cwd: full, stdio: 'ignore' });
        } catch {
          // ENOSPC: full
        }
        const before = readdirSync(full).sort();
        const r = await gocontainer(['--root', full, 'run', '--rootfs', root.path, '/bin/true']);
        expect(r.stderr).toMatch(
          new RegExp(`^gocontainer: ${step} ${full}/[0-9a-f]+\\S*: ENOSPC \\(No space left on device\\)\\n$`),
        );
        expect(r.code).toBe(125);
        expect(readdirSync(full).sort()).toEqual(before);
      } finally {
        execFileSync('umount', [full]);
        rmSync(full, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
