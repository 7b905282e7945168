import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerOf } from '@gc/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZERO_TIME } from '../store/container-record.js';
import { type ContainerStore, createContainerStore } from '../store/container-store.js';
import { testContainer } from '../testing.js';
import type { EngineContext } from './engine-context.js';
import { removeContainer } from './remove.js';
import { stopContainer } from './stop.js';
import { waitContainer } from './wait.js';

const container = (name: string) => testContainer({ name });

/** This test's own process: a live "init" that the tests never signal. */
const self = () => ({ pid: process.pid, pidStart: ownerOf(process.pid)?.start as number });

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
    expect(readFileSync(join(store.dir(made.id), 'stop-requested'), 'utf8')).toBe('');
  });

  it("restart's stop says so to the monitor, which then keeps a --rm container", async () => {
    const made = store.create(container('again'));
    await stopContainer(ctx, made, { timeoutSeconds: 1, forRestart: true });
    expect(readFileSync(join(store.dir(made.id), 'stop-requested'), 'utf8')).toBe('restart');
  });
});
