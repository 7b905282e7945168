import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testContainer } from '../testing.js';
import { type ContainerStore, createContainerStore } from './container-store.js';
import { generateName, validateName } from './names.js';

const container = testContainer;

describe('the container store', () => {
  let dataRoot: string;
  let store: ContainerStore;
  beforeEach(() => {
    dataRoot = mkdtempSync(join(tmpdir(), 'gc-engine-store-'));
    store = createContainerStore({ dataRoot });
  });
  afterEach(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('finds a container by ID, name, /name and unique ID prefix', () => {
    const made = store.create(container({ name: 'web' }));
    expect(made.id).toMatch(/^[0-9a-f]{64}$/);
    expect(store.root).toBe(join(dataRoot, 'engine', 'containers'));
    for (const ref of [made.id, 'web', '/web', made.id.slice(0, 5)]) expect(store.find(ref).id).toBe(made.id);
    expect(() => store.find('nope')).toThrow('No such container: nope');
    const find = store.finder();
    for (const ref of [made.id, 'web', made.id.slice(0, 5)]) expect(find(ref).id).toBe(made.id);
    expect(() => find('nope')).toThrow('No such container: nope');
  });

  it('refuses a name in use, and an ambiguous prefix, naming why', () => {
    const a = store.create(container({ name: 'web', id: `ab${'0'.repeat(62)}` }));
    store.create(container({ id: `ab${'1'.repeat(62)}` }));
    expect(() => store.create(container({ name: 'web' }))).toThrow(`"web" is already in use by container ${a.id}`);
    expect(() => store.find('ab')).toThrow(/more than one container's ID starts with it/);
    expect(store.find('ab0').id).toBe(a.id);
  });

  it('generates unique Docker-style names and renames', () => {
    const made = store.create(container());
    expect(made.name).toMatch(/^[a-z]+_[a-z]+\d?$/);
    const renamed = store.rename(made.name, 'db');
    expect(store.find('db').id).toBe(made.id);
    expect(renamed.name).toBe('db');
    expect(store.list().map((r) => r.name)).toEqual(['db']);
    store.remove(made.id);
    expect(store.list()).toEqual([]);
  });

  it('validates names as Docker does', () => {
    expect(validateName('/a.b_c-1')).toBe('a.b_c-1');
    expect(() => validateName('-x')).toThrow('only [a-zA-Z0-9][a-zA-Z0-9_.-]* are allowed');
    expect(() => validateName('a b')).toThrow('--name: invalid container name "a b"');
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) names.add(generateName((n) => names.has(n)));
    expect(names.size).toBe(50);
  });
});
