import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStateStore, type StateStore } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import {
  cgroupGone,
  type RecordedContainer,
  startRecorded,
  tempRoot,
  v1Dir,
} from '../../test-support/recorded-container.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The container counts in /tick, 20 times a second (replaced by a rename: a reader never sees it empty). */
const TICKER = 'i=0; while :; do i=$((i+1)); echo $i > /tick.new; mv /tick.new /tick; usleep 50000; done';

describe.skipIf(!canRunIntegration())('gocontainer pause and resume (integration, root)', { timeout: 60_000 }, () => {
  const root = tempRoot();
  let store: StateStore;
  let c: RecordedContainer;
  const gc = (...args: string[]) => gocontainer(['--root', root.path, ...args]);
  const tick = () => Number(readFileSync(join(c.rootfs, 'tick'), 'utf8'));
  /** Does the counter move over 400 ms? */
  const counting = async () => {
    const before = tick();
    await sleep(400);
    return tick() > before;
  };
  const listed = async () => {
    const ran = await gc('list', '--format', 'json');
    expect(ran.code, ran.stderr).toBe(0);
    return (JSON.parse(ran.stdout) as { id: string; status: string }[]).find((x) => x.id === c.id)?.status;
  };
  /** /proc/PID/status State of the init: D while its cgroup is frozen on v1. */
  const initState = () => /^State:\s+(\S)/m.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))?.[1];

  beforeAll(async () => {
    store = createStateStore({ kernel: createKernel(), root: root.path });
    c = await startRecorded(store, `pause-${process.pid}`, TICKER);
    await sleep(200);
  });

  afterEach(async () => {
    // Each test leaves it running.
    await c.container.cgroup.thaw();
  });

  afterAll(async () => {
    await c?.stop();
    expect(cgroupGone(c.container.cgroup.path)).toBe(true);
    root.remove();
  });

  it('pause freezes every process and records paused; resume lets them run again', async () => {
    expect(await counting()).toBe(true);
    const paused = await gc('pause', c.id);
    expect(paused, paused.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(join(v1Dir('freezer', c.container.cgroup.path), 'freezer.state'), 'utf8').trim()).toBe(
      'FROZEN',
    );
    expect(['D', 'T']).toContain(initState());
    expect(await counting()).toBe(false);
    expect(store.load(c.id)).toMatchObject({ status: 'paused', record: { status: 'paused' } });
    expect(await listed()).toBe('paused');

    const resumed = await gc('resume', c.id);
    expect(resumed, resumed.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(await counting()).toBe(true);
    expect(initState()).not.toBe('D');
    expect(store.load(c.id).record.status).toBe('running');
    expect(await listed()).toBe('running');
  });

  it('refuses a second pause and a resume of a running container, with exit 1, changing nothing', async () => {
    const resumeRunning = await gc('resume', c.id);
    expect(resumeRunning.code).toBe(1);
    expect(resumeRunning.stderr).toContain(`cannot resume container "${c.id}": container not paused (it is running)`);
    expect(await counting()).toBe(true);

    expect((await gc('pause', c.id)).code).toBe(0);
    const again = await gc('pause', c.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`cannot pause container "${c.id}": it is paused`);
    expect(store.load(c.id).record.status).toBe('paused');
    expect((await gc('resume', c.id)).code).toBe(0);
  });

  it('sees a freeze and a thaw made outside gocontainer (freezer.state)', async () => {
    const state = join(v1Dir('freezer', c.container.cgroup.path), 'freezer.state');
    writeFileSync(state, 'FROZEN');
    expect(await listed()).toBe('paused');
    // Paused as far as resume is concerned, too.
    const resumed = await gc('resume', c.id);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await counting()).toBe(true);
    writeFileSync(state, 'FROZEN');
    await sleep(50);
    writeFileSync(state, 'THAWED');
    expect(await listed()).toBe('running');
  });

  it('pauses a created container too; resume leaves it created, waiting for its start', async () => {
    await store.update(c.id, ({ started: _, ...r }) => ({ ...r, status: 'created' }));
    try {
      expect((await gc('pause', c.id)).code).toBe(0);
      expect(await listed()).toBe('paused');
      expect(await counting()).toBe(false);
      expect((await gc('resume', c.id)).code).toBe(0);
      expect(store.load(c.id).record.status).toBe('created');
      expect(await listed()).toBe('created');
    } finally {
      await store.update(c.id, (r) => ({ ...r, status: 'running', started: new Date().toISOString() }));
    }
  });

  it('names a container that does not exist, and takes exactly one id', async () => {
    for (const command of ['pause', 'resume']) {
      const missing = await gc(command, 'no-such-container');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('container "no-such-container" does not exist');
      const none = await gc(command);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain(`${command}: expected 1 argument (the container id), got 0`);
    }
  });
});
