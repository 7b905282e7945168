import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZERO_TIME } from '../store/container-record.js';
import { type ContainerStore, createContainerStore, type NewContainer } from '../store/container-store.js';
import type { EngineContext } from './engine-context.js';
import { removeContainer } from './remove.js';
import { stopContainer } from './stop.js';
import { waitContainer } from './wait.js';

const container = (name: string): NewContainer => ({
  name,
  image: 'busybox',
  path: 'sh',
  args: [],
  config: { hostname: 'h', env: [], workingDir: '/', user: '', tty: false, openStdin: false, labels: {} },
  hostConfig: {
    restartPolicy: { name: 'no', maximumRetryCount: 0 },
    logConfig: { type: 'json-file' },
    autoRemove: false,
    memory: 0,
    networkMode: 'none',
    init: false,
  },
});

/** This test's own process: a live "init" that the tests never signal. */
const self = () => {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return { pid: process.pid, pidStart: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) };
};

describe('rm, stop and wait on what is not running', () => {
  let dir: string;
  let store: ContainerStore;
  let ctx: EngineContext;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gc-engine-ops-'));
    store = createContainerStore({ dataRoot: dir });
    ctx = { store, runRoot: join(dir, 'run') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rm of a created or exited container removes its directory and its run directory', async () => {
    const made = store.create(container('fresh'));
    mkdirSync(join(dir, 'run', made.id), { recursive: true });
    await removeContainer(ctx, made);
    expect(existsSync(store.dir(made.id))).toBe(false);
    expect(existsSync(join(dir, 'run', made.id))).toBe(false);
    const done = store.create(container('done'));
    store.writeState(done.id, {
      status: 'exited',
      pid: 0,
      exitCode: 2,
      oomKilled: false,
      error: '',
      startedAt: '2026-12-01T19:20:00Z',
      finishedAt: '2026-12-01T19:21:00Z',
      restartCount: 0,
    });
    expect(await waitContainer(ctx, done)).toBe(2);
    await removeContainer(ctx, done);
    expect(store.list()).toEqual([]);
  });

  it('rm of a running container without force is refused, naming -f, and leaves it be', async () => {
    const live = store.create(container('live'));
    store.writeState(live.id, {
      status: 'running',
      ...self(),
      exitCode: 0,
      oomKilled: false,
      error: '',
      startedAt: '2026-12-01T19:20:00Z',
      finishedAt: ZERO_TIME,
      restartCount: 0,
    });
    await expect(removeContainer(ctx, live)).rejects.toThrow(
      'cannot remove container "/live": container is running: stop the container before removing or force remove (-f, --force)',
    );
    expect(store.find('live').id).toBe(live.id);
  });

  it('stop of a container that does not run does nothing but tell the monitor', async () => {
    const made = store.create(container('idle'));
    const result = await stopContainer(ctx, made, { timeoutSeconds: 1 });
    expect([result.killed, result.now.state.status]).toEqual([false, 'created']);
    expect(existsSync(join(store.dir(made.id), 'stop-requested'))).toBe(true);
  });
});
