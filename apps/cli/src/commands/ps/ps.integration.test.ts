import { spawnSync } from 'node:child_process';
import { createStateStore, type StateStore } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childrenOf, gocontainer } from '../../test-support/gocontainer.js';
import { cgroupGone, type RecordedContainer, startRecorded, tempRoot } from '../../test-support/recorded-container.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A pid that no longer runs: a child that exited and was reaped. */
const deadPid = () => spawnSync('true').pid as number;

describe.skipIf(!canRunIntegration())('gocontainer ps and list (integration, root)', () => {
  const root = tempRoot();
  let store: StateStore;
  const running: RecordedContainer[] = [];
  const gc = (...args: string[]) => gocontainer(['--root', root.path, ...args]);

  beforeAll(async () => {
    store = createStateStore({ kernel: createKernel(), root: root.path });
    running.push(await startRecorded(store, 'ps-a', 'sleep 1000 & sleep 1001 & wait'));
    running.push(await startRecorded(store, 'ps-b', 'sleep 1002'));
    // A container whose init died: stopped.
    await store.create('ps-stopped', {
      bundle: '/bundles/gone',
      annotations: { 'org.example': 'x' },
      status: 'running',
      created: '2026-12-01T13:00:00.000Z',
      rootfs: '/bundles/gone/rootfs',
      owner: 0,
      init: { pid: deadPid(), start: 1 },
      cgroup: '/gocontainer/ps-stopped',
    });
    await sleep(200);
  });

  afterAll(async () => {
    for (const c of running) await c.stop();
    for (const c of running) expect(cgroupGone(c.container.cgroup.path)).toBe(true);
    root.remove();
  });

  it('ps --format json lists the init and its children', async () => {
    const [a] = running as [RecordedContainer];
    const ran = await gc('ps', '--format', 'json', 'ps-a');
    expect(ran.code, ran.stderr).toBe(0);
    const pids = JSON.parse(ran.stdout) as number[];
    const children = childrenOf(a.pid);
    expect(children).toHaveLength(2);
    expect(pids.sort()).toEqual([a.pid, ...children].sort());
  });

  it("ps (table) is the host's ps -ef, only the container's lines; ps options after the id", async () => {
    const [a] = running as [RecordedContainer];
    const ran = await gc('ps', 'ps-a');
    expect(ran.code, ran.stderr).toBe(0);
    const [header, ...lines] = ran.stdout.trim().split('\n');
    expect(header).toMatch(/^UID\s+PID\s+PPID/);
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => /sleep 100[01]$/.test(l))).toHaveLength(2);
    expect(lines.some((l) => l.split(/\s+/)[1] === String(a.pid))).toBe(true);
    const custom = await gc('ps', 'ps-a', '-o', 'pid,comm');
    expect(custom.code, custom.stderr).toBe(0);
    expect(
      custom.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/)[1]),
    ).toEqual(expect.arrayContaining(['sh', 'sleep', 'sleep']));
  });

  it('list --format json: every container with its live status, pid 0 once stopped', async () => {
    const [a, b] = running as [RecordedContainer, RecordedContainer];
    const ran = await gc('list', '--format', 'json');
    expect(ran.code, ran.stderr).toBe(0);
    const list = JSON.parse(ran.stdout) as Record<string, unknown>[];
    expect(list.map((c) => [c.id, c.status, c.pid])).toEqual([
      ['ps-a', 'running', a.pid],
      ['ps-b', 'running', b.pid],
      ['ps-stopped', 'stopped', 0],
    ]);
    expect(list[2]).toEqual({
      ociVersion: '1.2.0',
      id: 'ps-stopped',
      pid: 0,
      status: 'stopped',
      bundle: '/bundles/gone',
      rootfs: '/bundles/gone/rootfs',
      created: '2026-12-01T13:00:00.000Z',
      annotations: { 'org.example': 'x' },
      owner: 'root',
    });
  });

  it('list (table) has runc columns; --quiet only the ids', async () => {
    const [a] = running as [RecordedContainer];
    const ran = await gc('list');
    expect(ran.code, ran.stderr).toBe(0);
    const lines = ran.stdout.trim().split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER']);
    expect(lines[1]?.split(/\s+/).slice(0, 3)).toEqual(['ps-a', String(a.pid), 'running']);
    expect(lines[3]).toMatch(/^ps-stopped\s+0\s+stopped\s+\/bundles\/gone\s+2026-12-01T13:00:00.000Z\s+root$/);
    const quiet = await gc('list', '-q');
    expect(quiet.stdout).toBe('ps-a\nps-b\nps-stopped\n');
  });

  it('a stopped container: ps, pause, update and events fail with "container not running"', async () => {
    for (const args of [
      ['ps', 'ps-stopped'],
      ['pause', 'ps-stopped'],
      ['update', '--memory', '64m', 'ps-stopped'],
      ['events', '--stats', 'ps-stopped'],
    ]) {
      const ran = await gc(...args);
      expect(ran.code, args.join(' ')).toBe(1);
      expect(ran.stderr).toContain('container not running');
      expect(ran.stdout).toBe('');
    }
    expect(store.load('ps-stopped').record.status).toBe('running');
  });

  it('ps of a missing container, and a bad --format: exit 1', async () => {
    const missing = await gc('ps', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('container "nope" does not exist');
    const format = await gc('list', '--format', 'yaml');
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('list: --format: expected table or json, got "yaml"');
  });
});
