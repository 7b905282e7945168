import { closeSync, mkdirSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_ROOT, newContainerId } from '@gc/runtime';
import { createKernel, GcError, type Kernel, LOCK_EX, LOCK_UN } from '@gc/syscall';
import type { ContainerRecord, ContainerStateFile } from './container-record.js';
import { ENGINE_AMBIGUOUS_CONTAINER, ENGINE_NAME_IN_USE, noSuchContainer } from './errors.js';
import { readJsonFile, writeFileAtomic } from './json-file.js';
import { generateName, validateName } from './names.js';

export interface ContainerStoreOptions {
  /** gocontainer's data root (`--data-root`, default /var/lib/gocontainer): the store is its `engine/containers`. */
  dataRoot?: string;
  kernel?: Kernel;
}

/** What `create` is given: the record less what the store decides (the ID, a generated name, the time). */
export type NewContainer = Omit<ContainerRecord, 'id' | 'name' | 'created'> & { name?: string; id?: string };

/**
 * The engine's containers: one directory per container under
 * `<data-root>/engine/containers/<id>/`, holding
 *   container.json     the ContainerRecord (written at create, and by rename)
 *   state.json         the monitor's ContainerStateFile
 *   <id>-json.log      stdout and stderr in Docker's json-file format (rotated: .1, .2, ...)
 *   upper/, work/      the container's writable layer, kept across restarts until rm
 * Names are unique: create and rename take the store's lock (flock on
 * `engine/containers/.lock`), so two `run --name x` never both get x.
 */
export interface ContainerStore {
  /** `<data-root>/engine/containers`. */
  readonly root: string;
  /** The container's directory. */
  dir(id: string): string;
  /** Its json-file log (the current one; rotated ones are `${logPath}.1` and up). */
  logPath(id: string): string;
  statePath(id: string): string;
  /** Make a container: its directory and record, with a unique name (given, or generated). */
  create(container: NewContainer): ContainerRecord;
  /** Every container, oldest first. */
  list(): ContainerRecord[];
  /**
   * The container a user means by `ref`: a full ID, a name (with or without
   * Docker's leading `/`), or an ID prefix only one container's ID starts
   * with, tried in that order as Docker does. Throws "No such container".
   */
  find(ref: string): ContainerRecord;
  /** As find, but undefined when nothing matches (an ambiguous prefix still throws). */
  tryFind(ref: string): ContainerRecord | undefined;
  /**
   * A `find` over the containers as they are now, read once: for a command
   * naming many containers (`rm $(ps -aq)`), each lookup without reading the
   * store again.
   */
  finder(): (ref: string) => ContainerRecord;
  /** The monitor's state file; undefined before the first start. */
  readState(id: string): ContainerStateFile | undefined;
  /** Replace the state file (temp + rename). */
  writeState(id: string, state: ContainerStateFile): void;
  /** Give a container another unique name. */
  rename(ref: string, newName: string): ContainerRecord;
  /** Remove the container's directory and everything in it; idempotent. */
  remove(id: string): void;
}

const RECORD = 'container.json';
const STATE = 'state.json';

export function createContainerStore(options: ContainerStoreOptions = {}): ContainerStore {
  const root = join(options.dataRoot ?? DATA_ROOT, 'engine', 'containers');
  let kernel = options.kernel;
  const dir = (id: string) => join(root, id);

  function locked<T>(fn: () => T): T {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    kernel ??= createKernel();
    const fd = openSync(join(root, '.lock'), 'a', 0o600);
    try {
      kernel.flock(fd, LOCK_EX);
      try {
        return fn();
      } finally {
        kernel.flock(fd, LOCK_UN);
      }
    } finally {
      closeSync(fd);
    }
  }

  function list(): ContainerRecord[] {
    let ids: string[];
    try {
      ids = readdirSync(root).filter((n) => /^[0-9a-f]{64}$/.test(n));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const records = ids
      .map((id) => readJsonFile<ContainerRecord>(join(root, id, RECORD)))
      .filter((r): r is ContainerRecord => r !== undefined);
    return records.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
  }

  function tryFind(ref: string): ContainerRecord | undefined {
    // A full ID (what the monitor and its starter pass) is its directory: no need to read every record.
    if (/^[0-9a-f]{64}$/.test(ref)) {
      const record = readJsonFile<ContainerRecord>(join(root, ref, RECORD));
      if (record) return record;
    }
    return tryFindIn(list(), ref);
  }

  function tryFindIn(all: readonly ContainerRecord[], ref: string): ContainerRecord | undefined {
    const byId = all.find((r) => r.id === ref);
    if (byId) return byId;
    const name = ref.startsWith('/') ? ref.slice(1) : ref;
    const byName = all.find((r) => r.name === name);
    if (byName) return byName;
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    const byPrefix = all.filter((r) => r.id.startsWith(ref));
    if (byPrefix.length > 1) {
      throw new GcError(
        ENGINE_AMBIGUOUS_CONTAINER,
        `${ref}: more than one container's ID starts with it (${byPrefix.map((r) => r.id.slice(0, 12)).join(', ')}): give more of the ID, or the name`,
      );
    }
    return byPrefix[0];
  }

  function taken(name: string, except?: string): boolean {
    return list().some((r) => r.name === name && r.id !== except);
  }

  return {
    root,
    dir,
    logPath: (id) => join(dir(id), `${id}-json.log`),
    statePath: (id) => join(dir(id), STATE),
    create(container) {
      const wanted = container.name === undefined ? undefined : validateName(container.name);
      return locked(() => {
        if (wanted !== undefined && taken(wanted)) {
          const other = list().find((r) => r.name === wanted) as ContainerRecord;
          throw new GcError(
            ENGINE_NAME_IN_USE,
            `--name: the container name "${wanted}" is already in use by container ${other.id}: remove or rename that container to reuse it`,
          );
        }
        const id = container.id ?? newContainerId();
        const record: ContainerRecord = {
          ...container,
          id,
          name: wanted ?? generateName((n) => taken(n)),
          created: new Date().toISOString().replace(/Z$/, '000000Z'),
        };
        mkdirSync(dir(id), { mode: 0o700 });
        try {
          writeFileAtomic(join(dir(id), RECORD), `${JSON.stringify(record, null, 2)}\n`);
        } catch (e) {
          rmSync(dir(id), { recursive: true, force: true });
          throw e;
        }
        return record;
      });
    },
    list,
    tryFind,
    find(ref) {
      const found = tryFind(ref);
      if (!found) throw noSuchContainer(ref);
      return found;
    },
    finder() {
      const all = list();
      return (ref) => {
        const found = tryFindIn(all, ref);
        if (!found) throw noSuchContainer(ref);
        return found;
      };
    },
    readState: (id) => readJsonFile<ContainerStateFile>(join(dir(id), STATE)),
    writeState: (id, state) => writeFileAtomic(join(dir(id), STATE), `${JSON.stringify(state)}\n`),
    rename(ref, newName) {
      const name = validateName(newName);
      return locked(() => {
        const record = tryFind(ref);
        if (!record) throw noSuchContainer(ref);
        if (taken(name, record.id)) {
          throw new GcError(ENGINE_NAME_IN_USE, `rename: the container name "${name}" is already in use`);
        }
        const renamed = { ...record, name };
        writeFileAtomic(join(dir(record.id), RECORD), `${JSON.stringify(renamed, null, 2)}\n`);
        return renamed;
      });
    },
    remove(id) {
      rmSync(dir(id), { recursive: true, force: true });
    },
  };
}
