import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, GcError, LOCK_EX, LOCK_UN } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerExistsError, ContainerIdError, ContainerNotExistError, ContainerStatusError } from '../errors.js';
import { currentOwner } from '../process-owner.js';
import { createRunDir, sweepRunDirs } from '../run-dir.js';
import type { ContainerRecord } from './record.js';
import { assertAllowed } from './status.js';
import { createStateStore, type StateStoreOptions } from './store.js';

const kernel = createKernel();
let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

function tempStore(options: Partial<StateStoreOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'gc-state-'));
  roots.push(root);
  return createStateStore({ kernel, root, ...options });
}

const me = currentOwner();
/** A pid that no longer runs: a child that exited and was reaped. */
const deadPid = () => spawnSync('true').pid as number;

function fields(overrides: Partial<Omit<ContainerRecord, 'creator'>> = {}): Omit<ContainerRecord, 'id' | 'creator'> {
  return {
    bundle: '/bundles/c1',
    annotations: { 'org.example.key': 'value' },
    status: 'creating',
    created: '2026-12-01T13:00:00.000Z',
    rootfs: '/bundles/c1/rootfs',
    owner: 0,
    ...overrides,
  };
}

const errorOf = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

// The runtime spec's state schema (state-schema.json, runtime.md "State"), written out.
const validateState = new Ajv({ strict: false }).compile({
  type: 'object',
  required: ['ociVersion', 'id', 'status', 'bundle'],
  additionalProperties: false,
  properties: {
    ociVersion: { type: 'string', pattern: '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$' },
    id: { type: 'string' },
    status: { type: 'string', enum: ['creating', 'created', 'running', 'stopped', 'paused'] },
    pid: { type: 'integer', minimum: 0 },
    bundle: { type: 'string' },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
});

describe('the state store', () => {
  it('creates a container as ROOT/ID/state.json and loads it back with its live status', async () => {
    const store = tempStore();
    const created = await store.create('c1', fields());
    expect(created.status).toBe('creating');
    expect(readdirSync(store.root)).toEqual(['c1']);
    expect(readdirSync(join(store.root, 'c1'))).toEqual(['state.json']);
    const onDisk = JSON.parse(readFileSync(join(store.root, 'c1', 'state.json'), 'utf8'));
    expect(onDisk).toEqual({ ...fields(), id: 'c1', creator: me });
    expect(store.load('c1')).toEqual({ record: { ...fields(), id: 'c1', creator: me }, status: 'creating' });
    expect(store.list().map((c) => c.record.id)).toEqual(['c1']);
  });

  it('lets exactly one of concurrent creates of one id win, and keeps the winner whole', async () => {
    const store = tempStore();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.create('same', fields({ bundle: `/bundles/${i}` }))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(ContainerExistsError);
      expect((r.reason as Error).message).toBe('container with id exists: same');
    }
    const winner = (won[0] as PromiseFulfilledResult<{ record: ContainerRecord }>).value.record.bundle;
    expect(store.load('same').record.bundle).toBe(winner);
    expect(readdirSync(store.root)).toEqual(['same']); // the losers left nothing
    expect(await errorOf(() => store.create('same', fields()))).toBeInstanceOf(ContainerExistsError);
  });

  it('names the root when it cannot be made, and leaves nothing', async () => {
    const parent = tempStore().root;
    const root = join(parent, 'file');
    writeFileSync(root, '');
    const store = createStateStore({ kernel, root: join(root, 'state') });
    const e = await errorOf(() => store.create('c1', fields()));
    expect(GcError.isInstance(e) && e.code).toBe('ESTATE');
    expect((e as Error).message).toBe(`create the state root ${join(root, 'state')}: ENOTDIR (Not a directory)`);
    expect(readdirSync(parent)).toEqual(['file']);
  });

  it('says "does not exist" of a missing container, for every method', async () => {
    const store = tempStore();
    const missing = [
      await errorOf(() => store.load('nope')),
      await errorOf(() => store.state('nope')),
      await errorOf(() => store.update('nope', (r) => r)),
      await errorOf(() => store.remove('nope')),
    ];
    for (const e of missing) {
      expect(e).toBeInstanceOf(ContainerNotExistError);
      expect(e).toMatchObject({ code: 'ENOCONTAINER', id: 'nope', message: 'container "nope" does not exist' });
    }
    expect(store.list()).toEqual([]);
    expect(readdirSync(store.root)).toEqual([]);
  });

  it('refuses a bad id in every method, naming it, and makes nothing', async () => {
    const store = tempStore();
    for (const id of ['../escape', 'a/b', '', '.hidden']) {
      for (const call of [
        () => store.create(id, fields()),
        () => store.load(id),
        () => store.state(id),
        () => store.update(id, (r) => r),
        () => store.remove(id),
      ]) {
        const e = await errorOf(call);
        expect(e).toBeInstanceOf(ContainerIdError);
        expect((e as Error).message).toContain(JSON.stringify(id));
      }
    }
    expect(readdirSync(store.root)).toEqual([]);
    expect(readdirSync(join(store.root, '..')).includes('escape')).toBe(false);
  });

  it('leaves the run directories of `gocontainer run` alone: not listed, not loaded, not removed, not reused', async () => {
    const store = tempStore();
    const run = createRunDir('running', { root: store.root });
    await store.create('c1', fields());
    expect(store.list().map((c) => c.record.id)).toEqual(['c1']);
    expect(await errorOf(() => store.load('running'))).toBeInstanceOf(ContainerNotExistError);
    expect(await errorOf(() => store.remove('running'))).toBeInstanceOf(ContainerNotExistError);
    expect(await errorOf(() => store.update('running', (r) => r))).toBeInstanceOf(ContainerNotExistError);
    expect(await errorOf(() => store.create('running', fields()))).toBeInstanceOf(ContainerExistsError);
    expect(readdirSync(run.path)).toEqual(['owner']);
    await run.remove();
  });

  it('reads a store where a writer died mid-write: the stray temp file is ignored, then overwritten', async () => {
    const store = tempStore();
    await store.create('c1', fields());
    writeFileSync(join(store.root, 'c1', 'state.json.new'), '{"id":"c1","bund');
    expect(store.load('c1').record.bundle).toBe('/bundles/c1');
    expect(store.list()).toHaveLength(1);
    await store.update('c1', (r) => ({ ...r, bundle: '/bundles/other' }));
    expect(store.load('c1').record.bundle).toBe('/bundles/other');
    expect(readdirSync(join(store.root, 'c1')).sort()).toEqual(['lock', 'state.json']);
  });

  it('skips a container directory a create was making when it died, and the sweep removes it', async () => {
    const store = tempStore();
    const dead = { pid: deadPid(), start: 1 };
    const half = join(store.root, `.new-${dead.pid}-${dead.start}-c2.0`);
    mkdirSync(half);
    writeFileSync(join(half, 'state.json'), JSON.stringify({ ...fields(), id: 'c2' }));
    await store.create('c1', fields());
    expect(store.list().map((c) => c.record.id)).toEqual(['c1']);
    expect(await errorOf(() => store.load('c2'))).toBeInstanceOf(ContainerNotExistError);
    await store.create('c2', fields()); // the id is free
    await sweepRunDirs({ root: store.root, cgroup: () => ({ destroy: async () => {} }) });
    expect(readdirSync(store.root).sort()).toEqual(['c1', 'c2']);
  });

  it('names the file and the field of a state.json that is not a record; list leaves it out', async () => {
    const store = tempStore();
    await store.create('c1', fields());
    await store.create('bad', fields());
    const file = join(store.root, 'bad', 'state.json');
    writeFileSync(file, JSON.stringify({ ...fields(), id: 'bad', status: 'sleeping' }));
    expect(() => store.load('bad')).toThrow(`read ${file}: status: expected one of creating, created, running`);
    writeFileSync(file, '{');
    expect(() => store.load('bad')).toThrow(`read ${file}: not JSON`);
    expect(store.list().map((c) => c.record.id)).toEqual(['c1']);
  });
});

describe('the live status', () => {
  it('is stopped once the init is gone, and when its pid now names another process (another start time)', async () => {
    const store = tempStore();
    await store.create('alive', fields({ status: 'running', init: me }));
    await store.create('reused', fields({ status: 'running', init: { pid: me.pid, start: me.start + 1 } }));
    await store.create('dead', fields({ status: 'created', init: { pid: deadPid(), start: me.start } }));
    await store.create('paused', fields({ status: 'paused', init: { pid: me.pid, start: me.start - 1 } }));
    expect(store.list().map((c) => [c.record.id, c.status])).toEqual([
      ['alive', 'running'],
      ['dead', 'stopped'],
      ['paused', 'stopped'],
      ['reused', 'stopped'],
    ]);
  });

  it('is creating while the creator runs, stopped once it died', async () => {
    const store = tempStore();
    await store.create('mine', fields());
    await store.create('orphan', fields());
    await store.update('orphan', (r) => ({ ...r, creator: { pid: deadPid(), start: me.start } }));
    expect(store.load('mine').status).toBe('creating');
    expect(store.load('orphan').status).toBe('stopped');
  });

  it('asks the freezer hook, when given, of a running or paused container', async () => {
    let frozen: boolean | undefined = true;
    const store = tempStore({ frozen: () => frozen });
    await store.create('c1', fields({ status: 'running', init: me }));
    expect(store.load('c1').status).toBe('paused');
    frozen = false;
    expect(store.load('c1').status).toBe('running');
    frozen = undefined;
    expect(store.load('c1').status).toBe('running');
    await store.update('c1', (r) => ({ ...r, status: 'paused' }));
    expect(store.load('c1').status).toBe('paused');
    // Paused before its start, then thawed by someone else: it waits for its start again.
    await store.create('c2', fields({ status: 'paused', init: me }));
    frozen = false;
    expect(store.load('c2').status).toBe('created');
    await store.update('c2', (r) => ({ ...r, started: '2026-12-01T13:00:01.000Z' }));
    expect(store.load('c2').status).toBe('running');
  });
});

describe('state', () => {
  it("is the runtime spec's state: pid while the init runs, none once stopped", async () => {
    const store = tempStore();
    await store.create('c1', fields({ status: 'created', init: me }));
    await store.create('gone', fields({ status: 'running', init: { pid: deadPid(), start: 1 }, annotations: {} }));
    const created = store.state('c1');
    expect(created).toEqual({
      ociVersion: '1.2.0',
      id: 'c1',
      status: 'created',
      pid: process.pid,
      bundle: '/bundles/c1',
      annotations: { 'org.example.key': 'value' },
    });
    const stopped = store.state('gone');
    expect(stopped).toEqual({ ociVersion: '1.2.0', id: 'gone', status: 'stopped', bundle: '/bundles/c1' });
    for (const state of [created, stopped, store.state('c1')]) {
      expect(validateState(JSON.parse(JSON.stringify(state))), JSON.stringify(validateState.errors)).toBe(true);
    }
  });
});

describe('update and remove', () => {
  it('serialise under the lock: concurrent read-modify-writes lose nothing', async () => {
    const store = tempStore();
    await store.create('c1', fields({ annotations: { n: '0' } }));
    const storeB = createStateStore({ kernel, root: store.root }); // another store: another open file per lock
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? store : storeB).update('c1', async (r) => {
          const n = Number(r.annotations.n);
          await new Promise((resolve) => setTimeout(resolve, 2));
          return { ...r, annotations: { n: String(n + 1) } };
        }),
      ),
    );
    expect(store.load('c1').record.annotations.n).toBe('10');
  });

  it('writes nothing when the change throws, e.g. an operation the status does not allow', async () => {
    const store = tempStore();
    await store.create('c1', fields({ status: 'stopped' }));
    const e = await errorOf(() =>
      store.update('c1', (r, status) => {
        assertAllowed('start', r.id, status);
        return { ...r, status: 'running' };
      }),
    );
    expect(e).toBeInstanceOf(ContainerStatusError);
    expect((e as Error).message).toBe('cannot start container "c1": container not running (it is stopped)');
    expect(store.load('c1').record.status).toBe('stopped');
  });

  it('waits for a lock another open file holds (as another process would), and fails naming it after the timeout', async () => {
    const store = tempStore({ lockTimeout: 60 });
    await store.create('c1', fields());
    const lockPath = join(store.root, 'c1', 'lock');
    const held = openSync(lockPath, 'a');
    kernel.flock(held, LOCK_EX);
    try {
      const e = await errorOf(() => store.update('c1', (r) => ({ ...r, status: 'created' })));
      expect(GcError.isInstance(e) && e.code).toBe('ESTATELOCK');
      expect((e as Error).message).toBe(`lock ${lockPath}: still held by another process after 60 ms`);
      expect(store.load('c1').record.status).toBe('creating');
      const waiting = store.update('c1', (r) => ({ ...r, status: 'created' }));
      setTimeout(() => kernel.flock(held, LOCK_UN), 10);
      await waiting;
      expect(store.load('c1').record.status).toBe('created');
    } finally {
      closeSync(held);
    }
  });

  it('names the lock file when flock fails', async () => {
    const fake = new FakeKernel().fail({ syscall: 'flock', errno: 'ENOLCK' });
    const store = tempStore({ kernel: fake });
    await store.create('c1', fields());
    const e = await errorOf(() => store.update('c1', (r) => r));
    expect((e as Error).message).toMatch(
      new RegExp(`^lock ${join(store.root, 'c1', 'lock')}: flock.*: ENOLCK \\(No locks available\\)$`),
    );
  });

  it('removes a container at once; one waiting on its lock then finds it does not exist', async () => {
    const store = tempStore();
    await store.create('c1', fields({ status: 'stopped' }));
    await store.create('c2', fields({ status: 'stopped' }));
    let later: Promise<unknown> | undefined;
    await store.remove('c1', () => {
      later = store.update('c1', (r) => r).catch((e: unknown) => e); // waits for the remove's lock
    });
    expect(await later).toBeInstanceOf(ContainerNotExistError);
    expect(readdirSync(store.root)).toEqual(['c2']);
    expect(store.list().map((c) => c.record.id)).toEqual(['c2']);
    await store.create('c1', fields()); // the id is free again
  });

  it('keeps the container when the check throws', async () => {
    const store = tempStore();
    await store.create('c1', fields({ status: 'running', init: me }));
    const e = await errorOf(() => store.remove('c1', (r, status) => assertAllowed('delete', r.id, status)));
    expect((e as Error).message).toBe(
      'cannot delete container "c1": it is running; delete needs it created or stopped',
    );
    expect(store.load('c1').status).toBe('running');
  });
});
