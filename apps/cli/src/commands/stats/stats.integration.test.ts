import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRunSpec, type ContainerRecord, type ContainerStore, createContainerStore, ZERO_TIME } from '@gc/engine';
import { testContainer } from '@gc/engine/testing';
import { newContainerId, type RunningContainer, startContainer } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer } from '../../test-support/gocontainer.js';
import { cgroupGone, startTime } from '../../test-support/recorded-container.js';
import { hasTmux, openTmux } from '../../test-support/tmux.js';

interface Started {
  readonly record: ContainerRecord;
  readonly container: RunningContainer;
  stop(): Promise<void>;
}

/**
 * A container of the engine's store, running: the spec `run -m MEMORY
 * --rootfs busybox` builds, started by the runtime (its cgroup, its memory
 * limit), recorded with the state file a monitor writes for `run -d`.
 */
async function startEngineContainer(
  store: ContainerStore,
  name: string,
  memory: string,
  script: string,
): Promise<Started> {
  const root = createBusyboxRoot();
  const command = ['/bin/sh', '-c', script];
  const id = newContainerId();
  const { spec } = buildRunSpec({ id, rootfs: root.path, command, memory });
  const record = store.create({
    id,
    name,
    image: '',
    path: '/bin/sh',
    args: command.slice(1),
    config: { ...testContainer().config, hostname: name },
    hostConfig: { ...testContainer().hostConfig, memory: spec.linux?.resources?.memory?.limit ?? 0 },
  });
  const devNull = openSync('/dev/null', 'r+');
  let container: RunningContainer;
  try {
    container = await startContainer(spec, {
      kernel: createKernel(),
      containerId: record.id,
      stdio: [devNull, devNull, devNull],
    });
  } finally {
    closeSync(devNull);
  }
  store.writeState(record.id, {
    status: 'running',
    pid: container.pid,
    pidStart: startTime(container.pid),
    exitCode: 0,
    oomKilled: false,
    error: '',
    startedAt: new Date().toISOString(),
    finishedAt: ZERO_TIME,
    restartCount: 0,
  });
  return {
    record,
    container,
    stop: async () => {
      container.kill('SIGKILL');
      await container.exited;
      root.remove();
    },
  };
}

interface JsonRow {
  [key: string]: string;
}

describe.skipIf(!canRunIntegration())('gocontainer stats (integration, root)', { timeout: 60_000 }, () => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'gc-stats-data-'));
  const store = createContainerStore({ dataRoot });
  const gc = (...args: string[]) => gocontainer(['--data-root', dataRoot, ...args]);
  let web: Started;
  let db: Started;
  let stopped: ContainerRecord;

  beforeAll(async () => {
    web = await startEngineContainer(store, 'web', '64m', 'exec sleep 1000');
    db = await startEngineContainer(store, 'db', '1g', 'sleep 1000 & sleep 1001 & wait');
    const { id: _id, name: _name, created: _created, ...rest } = web.record;
    stopped = store.create({ ...rest, name: 'gone' });
    store.writeState(stopped.id, {
      status: 'exited',
      pid: 0,
      exitCode: 0,
      oomKilled: false,
      error: '',
      startedAt: ZERO_TIME,
      finishedAt: ZERO_TIME,
      restartCount: 0,
    });
  });

  afterAll(async () => {
    for (const c of [web, db]) await c?.stop();
    for (const c of [web, db]) if (c) expect(cgroupGone(c.container.cgroup.path)).toBe(true);
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('--no-stream shows the running containers once, with the memory limit set with -m', async () => {
    const r = await gc('stats', '--no-stream');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
    expect(lines).toHaveLength(3);
    const row = (name: string) => (lines.find((l) => l.split(/ {2,}/)[1] === name) ?? '').split(/ {2,}/);
    const w = row('web');
    expect(w[0]).toBe(web.record.id.slice(0, 12));
    expect(w[2]).toMatch(/^\d+\.\d\d%$/);
    expect(w[3]).toMatch(/^\d+(\.\d+)?(B|KiB|MiB) \/ 64MiB$/);
    expect(w[5]).toBe('0B / 0B');
    expect(w[7]).toBe('1');
    const d = row('db');
    expect(d[3]).toMatch(/ \/ 1GiB$/);
    expect(d[7]).toBe('3');
  });

  it('--format json: one object a line with Docker keys; named containers, stopped ones with zeros', async () => {
    const r = await gc('stats', '--no-stream', '--format', 'json', 'web', stopped.id.slice(0, 10));
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as JsonRow);
    expect(rows.map((x) => Object.keys(x))).toEqual([
      ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs'],
      ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs'],
    ]);
    expect(rows[0]).toMatchObject({ Container: 'web', Name: 'web', ID: web.record.id.slice(0, 12), PIDs: '1' });
    expect(rows[0]?.MemUsage).toMatch(/ \/ 64MiB$/);
    const used = Number(/^([\d.]+)KiB/.exec(rows[0]?.MemUsage ?? '')?.[1] ?? Number.NaN);
    expect(rows[0]?.MemPerc).toBe(`${((used / 1024 / 64) * 100).toFixed(2)}%`);
    expect(rows[1]).toEqual({
      BlockIO: '0B / 0B',
      CPUPerc: '0.00%',
      Container: stopped.id.slice(0, 10),
      ID: stopped.id.slice(0, 12),
      MemPerc: '0.00%',
      MemUsage: '0B / 0B',
      Name: 'gone',
      NetIO: '0B / 0B',
      PIDs: '0',
    });
  });

  it('-a adds the stopped containers; a template picks columns', async () => {
    const r = await gc('stats', '-a', '--no-stream', '--format', '{{.Name}} {{.PIDs}}');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').sort()).toEqual(['db 3', 'gone 0', 'web 1']);
    const t = await gc('stats', '--no-stream', '--format', 'table {{.Name}}\\t{{.MemUsage}}', 'web');
    expect(t.stdout).toMatch(/^NAME +MEM USAGE \/ LIMIT\nweb +\S+ \/ 64MiB\n$/);
  });

  it('names what is wrong: an unknown container (exit 1), a bad --format (exit 125)', async () => {
    const r = await gc('stats', '--no-stream', 'web', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No such container: nope');
    expect(r.stdout).toBe('');
    const f = await gc('stats', '--no-stream', '--format', 'yaml');
    expect(f.code).toBe(125);
    expect(f.stderr).toContain('--format: expected table, json or a Go template');
  });

  it.skipIf(!hasTmux)('on a terminal: redraws the table in place every second until Ctrl-C', async () => {
    const pane = openTmux(
      `bash -c '${process.execPath} ${GOCONTAINER} --data-root ${dataRoot} stats web; echo "exit=$?"; sleep 30'`,
      120,
      20,
    );
    try {
      await pane.until((s) => s.includes('64MiB'), 'the first frame');
      // Three refreshes later: still one table at the top, no scrolled copies.
      await new Promise((r) => setTimeout(r, 3000));
      const screen = pane.screen();
      expect(screen.match(/CONTAINER ID/g)).toHaveLength(1);
      expect(screen.split('\n')[0]).toMatch(/^CONTAINER ID/);
      expect(screen).not.toContain('exit=');
      pane.send('C-c');
      await pane.until((s) => s.includes('exit=0'), 'the exit after Ctrl-C');
    } finally {
      pane.kill();
    }
  });
});
