import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer } from '../../test-support/gocontainer.js';

/** The built CLI keeps planned programs next to its bundle. */
const CACHE = join(GOCONTAINER, '..', '..', 'dist', 'plan-cache');
const entries = () =>
  existsSync(CACHE) ? new Map(readdirSync(CACHE).map((f) => [f, statSync(join(CACHE, f)).mtimeMs])) : new Map();

/** What the container sees of itself, with its own ID (in its hostname and paths) made neutral. */
const SEE = [
  'echo pid=$$ host=$(hostname) etc=$(cat /etc/hostname) env=$HOSTNAME',
  'grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status',
  'cut -d" " -f5,9 /proc/self/mountinfo',
  'ls /dev',
].join('; ');

describe.skipIf(!canRunIntegration())(
  'gocontainer run from the plan cache (integration, root)',
  { timeout: 60_000 },
  () => {
    let root: ReturnType<typeof createBusyboxRoot>;
    beforeAll(() => {
      root = createBusyboxRoot();
    });
    afterAll(() => root.remove());

    it('a repeated run uses the cached program and does exactly what the first run did', async () => {
      // A command line no other run has: the first run plans it, the second finds it planned.
      const tag = `PLAN_CACHE_TEST=${process.pid}-${Date.now()}`;
      const argv = ['run', '-e', tag, '--rootfs', root.path, '/bin/sh', '-c', SEE];
      const before = entries();
      // The first run makes the mount targets its root lacks (/etc/hostname...): the
      // second sees another root and plans again. The third finds its program planned.
      const first = await gocontainer(argv);
      const second = await gocontainer(argv);
      const made = [...entries()].filter(([name]) => !before.has(name));
      expect(made).toHaveLength(1);
      const [name, mtime] = made[0] as [string, number];
      const third = await gocontainer(argv);
      // The entry was read, not written again (a miss would have planned and rewritten it).
      expect(entries().get(name)).toBe(mtime);

      for (const r of [first, second, third]) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
      const host = (out: string) => /host=(\w+)/.exec(out)?.[1] as string;
      expect(host(first.stdout)).not.toBe(host(second.stdout));
      const neutral = (out: string) => out.replaceAll(host(out), 'HOST').replace(/[0-9a-f]{64}/g, 'ID');
      expect(neutral(second.stdout)).toBe(neutral(first.stdout));
      expect(neutral(first.stdout)).toContain('pid=1 host=HOST etc=HOST env=HOST');
      expect(first.stdout).toMatch(/^Seccomp:\s+2$/m);
    });

    it('a failing command fails the same way from the cache: the same exit code and message', async () => {
      const argv = [
        'run',
        '-e',
        `PLAN_CACHE_TEST=${process.pid}-${Date.now()}-missing`,
        '--rootfs',
        root.path,
        '/no/such/cmd',
      ];
      const first = await gocontainer(argv);
      const second = await gocontainer(argv);
      const cached = entries();
      const third = await gocontainer(argv);
      // The third run read the program the second planned, and wrote nothing.
      expect(entries()).toEqual(cached);
      for (const r of [first, second, third]) expect(r.code).toBe(127);
      expect(second.stderr).toBe(first.stderr);
      expect(third.stderr).toBe(first.stderr);
      expect(first.stderr).toContain('/no/such/cmd');
    });
  },
);
