import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKernel } from '@gc/syscall/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { currentOwner } from '../process-owner.js';
import { createRunDir, sweepRunDirs } from '../run-dir.js';
import { createStateStore } from './store.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

/** A pid that no longer runs: a child that exited and was reaped. */
const deadPid = () => spawnSync('true').pid as number;

describe('sweepRunDirs beside the state store', () => {
  it("leaves the store's containers alone, even stopped ones whose processes are dead", async () => {
    const root = mkdtempSync(join(tmpdir(), 'gc-state-sweep-'));
    roots.push(root);
    const store = createStateStore({ kernel: new FakeKernel(), root });
    const dead = { pid: deadPid(), start: 1 };
    const common = { bundle: '/b', annotations: {}, created: '2026-12-01T00:00:00Z', rootfs: '/b/rootfs', owner: 0 };
    await store.create('stopped', { ...common, status: 'stopped', init: dead });
    await store.create('orphan', { ...common, status: 'creating' });
    await store.update('orphan', (r) => ({ ...r, creator: dead }));
    await store.create('live', { ...common, status: 'running', init: currentOwner() });
    // A run directory of a gocontainer that died: the sweep removes it.
    const run = createRunDir('dead-run', { root });
    writeFileSync(join(run.path, 'owner'), JSON.stringify(dead));
    const destroyed: string[] = [];
    await sweepRunDirs({ root, cgroup: (path) => ({ destroy: async () => void destroyed.push(path) }) });
    expect(readdirSync(root).sort()).toEqual(['live', 'orphan', 'stopped']);
    expect(store.list().map((c) => [c.record.id, c.status])).toEqual([
      ['live', 'running'],
      ['orphan', 'stopped'],
      ['stopped', 'stopped'],
    ]);
    expect(destroyed).toEqual([]);
  });
});
