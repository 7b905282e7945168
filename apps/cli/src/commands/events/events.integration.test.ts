import { createStateStore, type StateStore } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, gocontainer, start } from '../../test-support/gocontainer.js';
import { cgroupGone, type RecordedContainer, startRecorded, tempRoot } from '../../test-support/recorded-container.js';

interface Event {
  type: string;
  id: string;
  data?: {
    memory: { usage: { usage?: number; limit: number } };
    pids: { current?: number; limit?: number };
    cpu: { usage: { total?: number } };
  };
}

const MB = 1024 * 1024;
const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);

describe.skipIf(!canRunIntegration())('gocontainer events (integration, root)', () => {
  const root = tempRoot();
  let store: StateStore;
  const started: RecordedContainer[] = [];
  const gc = (...args: string[]) => gocontainer(['--root', root.path, ...args]);

  beforeAll(() => {
    store = createStateStore({ kernel: createKernel(), root: root.path });
  });

  afterAll(async () => {
    for (const c of started) await c.stop();
    for (const c of started) expect(cgroupGone(c.container.cgroup.path)).toBe(true);
    root.remove();
  });

  it('--stats prints one stats event: memory in use, pids, cpu, the limits', async () => {
    const c = await startRecorded(store, 'events-stats', 'sleep 1000 & wait', {
      memory: { limit: 64 * MB },
      pids: { limit: 50 },
    });
    started.push(c);
    const ran = await gc('events', '--stats', c.id);
    expect(ran.code, ran.stderr).toBe(0);
    const [event, ...more] = lines(ran.stdout);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'stats', id: c.id });
    expect(event?.data?.memory.usage.usage).toBeGreaterThan(0);
    expect(event?.data?.memory.usage.limit).toBe(64 * MB);
    expect(event?.data?.pids).toEqual({ current: 2, limit: 50 });
    expect(event?.data?.cpu.usage.total).toBeGreaterThan(0);
  });

  it('streams stats every --interval and an oom event when the OOM killer fires; ends when the container stops', async () => {
    // The init survives: the OOM killer picks the tail that fills its memory.
    const c = await startRecorded(store, 'events-oom', 'sleep 1; tail /dev/zero; sleep 0.7', {
      memory: { limit: 32 * MB, swap: 32 * MB },
    });
    started.push(c);
    const events = start(['--root', root.path, 'events', '--interval', '200ms', c.id]);
    const ran = await finish(events, 20_000);
    expect(ran.code, ran.stderr).toBe(0);
    const seen = lines(ran.stdout);
    expect(seen.filter((e) => e.type === 'oom')).toEqual([{ type: 'oom', id: c.id }]);
    expect(seen.filter((e) => e.type === 'stats').length).toBeGreaterThanOrEqual(4);
    expect(store.load(c.id).status).toBe('stopped');
  });

  it('refuses a bad --interval, naming it', async () => {
    for (const interval of ['5', 'soon', '0s']) {
      const ran = await gc('events', '--interval', interval, 'any');
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain('events: --interval: ');
    }
    const missing = await gc('events', '--stats', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('container "nope" does not exist');
  });
});
