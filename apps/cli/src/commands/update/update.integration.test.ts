import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStateStore, type StateStore } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';
import {
  cgroupGone,
  type RecordedContainer,
  startRecorded,
  tempRoot,
  v1Dir,
} from '../../test-support/recorded-container.js';

describe.skipIf(!canRunIntegration())('gocontainer update (integration, root)', () => {
  const root = tempRoot();
  let store: StateStore;
  let c: RecordedContainer;
  const gc = (args: string[], input?: string) =>
    gocontainer(['--root', root.path, ...args], input === undefined ? {} : { input });
  const memoryLimit = () =>
    Number(readFileSync(join(v1Dir('memory', c.container.cgroup.path), 'memory.limit_in_bytes'), 'utf8'));
  const pidsMax = () => readFileSync(join(v1Dir('pids', c.container.cgroup.path), 'pids.max'), 'utf8').trim();
  const cpuShares = () => readFileSync(join(v1Dir('cpu', c.container.cgroup.path), 'cpu.shares'), 'utf8').trim();

  beforeAll(async () => {
    store = createStateStore({ kernel: createKernel(), root: root.path });
    c = await startRecorded(store, `update-${process.pid}`, 'sleep 1000', { pids: { limit: 100 } });
  });

  afterAll(async () => {
    await c?.stop();
    expect(cgroupGone(c.container.cgroup.path)).toBe(true);
    root.remove();
  });

  it('--memory and --cpu-share change the cgroup, and the record says so', async () => {
    const ran = await gc(['update', '--memory', '64m', '--cpu-share', '512', c.id]);
    expect(ran, ran.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(memoryLimit()).toBe(64 * 1024 * 1024);
    expect(cpuShares()).toBe('512');
    expect(store.load(c.id).record.config?.linux?.resources).toMatchObject({
      memory: { limit: 64 * 1024 * 1024 },
      cpu: { shares: 512 },
      pids: { limit: 100 },
    });
  });

  it('--resources - reads OCI linux.resources JSON from stdin (as containerd does): pids.max', async () => {
    const ran = await gc(['update', '--resources', '-', c.id], JSON.stringify({ pids: { limit: 20 } }));
    expect(ran, ran.stderr).toMatchObject({ code: 0, stdout: '' });
    expect(pidsMax()).toBe('20');
    const resources = store.load(c.id).record.config?.linux?.resources;
    expect(resources?.pids).toEqual({ limit: 20 });
    // What an earlier update set stays recorded.
    expect(resources?.memory?.limit).toBe(64 * 1024 * 1024);
  });

  it('a bad JSON field, bad JSON, or a bad flag value: exit 1 naming it, nothing changed', async () => {
    const before = { memory: memoryLimit(), pids: pidsMax(), record: store.load(c.id).record };
    const field = await gc(['update', '-r', '-', c.id], '{"pids":{"limit":"many"}}');
    expect(field.code).toBe(1);
    expect(field.stderr).toContain('linux.resources.pids.limit: expected an integer, got the string "many"');
    const notJson = await gc(['update', '-r', '-', c.id], '{"pids":');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('update: --resources -: not JSON');
    const flag = await gc(['update', '--memory', 'lots', c.id]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('update: --memory: expected a size in bytes (100m, 1g) or -1, got "lots"');
    const pids = await gc(['update', '--pids-limit', '1.5', c.id]);
    expect(pids.code).toBe(1);
    expect(pids.stderr).toContain('update: --pids-limit: expected an integer, got "1.5"');
    // A value the kernel refuses: named by its field too.
    const weight = await gc(['update', '--blkio-weight', '5000', c.id]);
    expect(weight.code).toBe(1);
    expect(weight.stderr).toContain('linux.resources.blockIO.weight: expected an integer from 10 to 1000');
    expect({ memory: memoryLimit(), pids: pidsMax(), record: store.load(c.id).record }).toEqual(before);
  });

  it('names a container that does not exist', async () => {
    const ran = await gc(['update', '--memory', '64m', 'no-such-container']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('container "no-such-container" does not exist');
  });
});
