import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer } from '../../test-support/gocontainer.js';
import { cgroupGone, tempRoot, v1Dir } from '../../test-support/recorded-container.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] as string;
  } catch {
    return 'gone';
  }
}

/** A bundle of runc's starter config.json (from `gocontainer spec`) on a busybox root, counting in /tick. */
async function bundle(): Promise<{ path: string; rootfs: string; remove(): void }> {
  const path = mkdtempSync(join(tmpdir(), 'gc-ops-bundle-'));
  const root = createBusyboxRoot();
  expect((await gocontainer(['spec', '--bundle', path])).code).toBe(0);
  const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8'));
  config.root = { path: root.path, readonly: false };
  config.process.terminal = false;
  config.process.args = [
    'sh',
    '-c',
    'sleep 1000 & i=0; while :; do i=$((i+1)); echo $i > /tick.new; mv /tick.new /tick; usleep 50000; done',
  ];
  writeFileSync(join(path, 'config.json'), JSON.stringify(config));
  mkdirSync(join(root.path, 'tmp'), { recursive: true });
  return {
    path,
    rootfs: root.path,
    remove: () => {
      root.remove();
      rmSync(path, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!canRunIntegration())(
  "runc's other commands on a created and started bundle (integration, root)",
  () => {
    const root = tempRoot();
    const gc = (...args: string[]) => gocontainer(['--root', root.path, ...args]);
    afterAll(() => root.remove());

    it('create, start, pause, state, ps, update, events, resume, kill, delete: nothing left', {
      timeout: 30_000,
    }, async () => {
      const b = await bundle();
      const id = `ops-bundle-${process.pid}`;
      try {
        // The container gets create's stdio (as with runc): a file, not the pipes a test reads to their end.
        const log = join(b.path, 'create.log');
        const fd = openSync(log, 'w');
        const created = spawnSync(
          process.execPath,
          [GOCONTAINER, '--root', root.path, 'create', '--bundle', b.path, id],
          {
            stdio: ['ignore', fd, fd],
            timeout: 20_000,
          },
        );
        closeSync(fd);
        expect(created.status, readFileSync(log, 'utf8')).toBe(0);
        expect((await gc('start', id)).code).toBe(0);
        const state = JSON.parse((await gc('state', id)).stdout) as { pid: number; status: string };
        expect(state.status).toBe('running');
        const cgroup = `/gocontainer/${id}`;
        const tick = () => Number(readFileSync(join(b.rootfs, 'tick'), 'utf8'));
        await sleep(300);

        expect((await gc('pause', id)).code).toBe(0);
        expect(JSON.parse((await gc('state', id)).stdout).status).toBe('paused');
        const frozenAt = tick();
        await sleep(300);
        expect(tick()).toBe(frozenAt);
        const pids = JSON.parse((await gc('ps', '--format', 'json', id)).stdout) as number[];
        expect(pids[0]).toBe(state.pid);
        expect(pids.length).toBeGreaterThanOrEqual(2);

        // Limits of a paused container can change.
        const updated = await gc('update', '--memory', '48m', '--pids-limit', '30', id);
        expect(updated.code, updated.stderr).toBe(0);
        expect(readFileSync(join(v1Dir('memory', cgroup), 'memory.limit_in_bytes'), 'utf8').trim()).toBe(
          String(48 * 1024 * 1024),
        );
        const stats = JSON.parse((await gc('events', '--stats', id)).stdout);
        expect(stats.data.memory.usage.limit).toBe(48 * 1024 * 1024);
        expect(stats.data.pids.limit).toBe(30);
        expect(stats.data.pids.current).toBeGreaterThanOrEqual(2);

        expect((await gc('resume', id)).code).toBe(0);
        expect(JSON.parse((await gc('state', id)).stdout).status).toBe('running');
        await sleep(300);
        expect(tick()).toBeGreaterThan(frozenAt);

        expect((await gc('kill', id, 'KILL')).code).toBe(0);
        for (let i = 0; i < 50 && JSON.parse((await gc('state', id)).stdout).status !== 'stopped'; i++)
          await sleep(100);
        const deleted = await gc('delete', id);
        expect(deleted.code, deleted.stderr).toBe(0);
        expect(existsSync(join(root.path, id))).toBe(false);
        expect(cgroupGone(cgroup)).toBe(true);
        // Gone, or a zombie its new parent has not reaped yet.
        expect(processState(state.pid)).toMatch(/^(gone|Z)$/);
      } finally {
        await gc('delete', '--force', id);
        b.remove();
      }
    });
  },
);
