import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernel } from '@gc/syscall';
import { ContainerExistsError, ContainerNotExistError } from '../errors.js';
import { currentOwner } from '../process-owner.js';
import { RUN_ROOT, transientName } from '../run-dir.js';
import { writeFileAtomic } from './atomic-write.js';
import { errnoCode, stateError } from './fs-error.js';
import { type LiveStatusOptions, liveStatus } from './live-status.js';
import { lockFile } from './lock.js';
import { type OciState, ociState } from './oci-state.js';
import { type ContainerRecord, parseRecord } from './record.js';
import type { ContainerStatus } from './status.js';
import { validateContainerId } from './validate-id.js';

const STATE = 'state.json';
const LOCK = 'lock';
/** Numbers this process's transient names, so that no two of its creates or removes share one. */
let transients = 0;

export interface StateStoreOptions {
  /** flock(2), for the lock of each container. */
  kernel: Kernel;
  /** The directory holding one directory per container (default RUN_ROOT, `gocontainer --root`). */
  root?: string;
  /** Asked of a running or paused container: see `LiveStatusOptions.frozen`. */
  frozen?: LiveStatusOptions['frozen'];
  /** How long an update or remove waits for another's lock (default LOCK_TIMEOUT_MS). */
  lockTimeout?: number;
}

/** A container as the store has it: its record and its live status. */
export interface StoredContainer {
  readonly record: ContainerRecord;
  readonly status: ContainerStatus;
}

/**
 * The OCI runtime's containers: `ROOT/ID/state.json` each, beside the run
 * directories of `gocontainer run` (which hold an `owner` file and no
 * state.json, and are no containers of the store). Every method validates
 * the id first (ContainerIdError).
 */
export interface StateStore {
  readonly root: string;
  /**
   * Record a new container, with this process as its `creator`. Rejects with ContainerExistsError if the id is
   * in use (by a container or a run directory): of concurrent creates of one
   * id, in this process or others, one wins.
   */
  create(id: string, record: Omit<ContainerRecord, 'id' | 'creator'>): Promise<StoredContainer>;
  /** The container; throws ContainerNotExistError if there is none. */
  load(id: string): StoredContainer;
  /** Every container, by id; a state.json that does not parse is left out. */
  list(): StoredContainer[];
  /**
   * Under the container's lock: `change` gets the record and the live
   * status, and returns the record to write (it may throw, e.g. with
   * `assertAllowed`, and nothing is written).
   */
  update(
    id: string,
    change: (record: ContainerRecord, status: ContainerStatus) => ContainerRecord | Promise<ContainerRecord>,
  ): Promise<StoredContainer>;
  /**
   * Under the container's lock: `check` (if given) may throw to keep it;
   * then its directory goes, at once for every reader.
   */
  remove(id: string, check?: (record: ContainerRecord, status: ContainerStatus) => void): Promise<void>;
  /** The runtime spec's state of the container. */
  state(id: string): OciState;
}

export function createStateStore(options: StateStoreOptions): StateStore {
  const root = options.root ?? RUN_ROOT;
  const { kernel } = options;
  const statusOf = (record: ContainerRecord) => liveStatus(record, options.frozen ? { frozen: options.frozen } : {});

  const read = (id: string): StoredContainer => {
    const file = join(root, id, STATE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new ContainerNotExistError(id);
      throw stateError(`read ${file}`, e);
    }
    const record = parseRecord(file, text);
    return { record, status: statusOf(record) };
  };

  /** Run `body` holding the container's lock; a container removed meanwhile does not exist. */
  const locked = async <T>(id: string, body: () => Promise<T>): Promise<T> => {
    validateContainerId(id);
    const dir = join(root, id);
    if (!existsSync(join(dir, STATE))) throw new ContainerNotExistError(id);
    let lock: Awaited<ReturnType<typeof lockFile>>;
    try {
      lock = await lockFile(kernel, join(dir, LOCK), options.lockTimeout);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw new ContainerNotExistError(id);
      throw e;
    }
    try {
      return await body();
    } finally {
      lock.release();
    }
  };

  return {
    root,

    async create(id, fields) {
      validateContainerId(id);
      const owner = currentOwner();
      const record: ContainerRecord = { ...fields, id, creator: owner };
      // Made complete under a transient name that says who makes it, then
      // renamed into place: a rename onto a directory that is not empty
      // fails, so one create wins, and no reader ever sees a container
      // without its record. The sweep of run directories removes a
      // transient one whose maker died.
      const temp = join(root, transientName('new', owner, `${id}.${transients++}`));
      const path = join(root, id);
      try {
        mkdirSync(root, { recursive: true, mode: 0o700 });
      } catch (e) {
        throw stateError(`create the state root ${root}`, e);
      }
      let made = false;
      try {
        mkdirSync(temp, { mode: 0o700 });
        made = true;
        writeFileAtomic(join(temp, STATE), JSON.stringify(record));
        renameSync(temp, path);
      } catch (e) {
        if (made) removeQuietly(temp);
        const code = errnoCode(e);
        if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'ENOTDIR') throw new ContainerExistsError(id);
        throw stateError(`create the state directory ${path}`, e);
      }
      return { record, status: statusOf(record) };
    },

    load(id) {
      validateContainerId(id);
      return read(id);
    },

    list() {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return [];
        throw stateError(`list ${root}`, e);
      }
      const containers: StoredContainer[] = [];
      for (const name of names.sort()) {
        if (name.startsWith('.')) continue; // transient: being made or removed
        try {
          containers.push(read(name));
        } catch {
          // A run directory, one removed meanwhile, or a record that does not parse.
        }
      }
      return containers;
    },

    update(id, change) {
      return locked(id, async () => {
        const current = read(id);
        const record = { ...(await change(current.record, current.status)), id };
        const file = join(root, id, STATE);
        try {
          writeFileAtomic(file, JSON.stringify(record));
        } catch (e) {
          throw stateError(`write ${file}`, e);
        }
        return { record, status: statusOf(record) };
      });
    },

    remove(id, check) {
      return locked(id, async () => {
        const current = read(id);
        check?.(current.record, current.status);
        // Renamed away first, so that the container is gone at once; the
        // name is one the sweep of run directories removes, should this
        // process die before the rm.
        const path = join(root, id);
        const gone = join(root, transientName('gone', currentOwner(), `${id}.${transients++}`));
        try {
          renameSync(path, gone);
        } catch (e) {
          throw stateError(`remove ${path}`, e);
        }
        removeQuietly(gone);
      });
    },

    state(id) {
      validateContainerId(id);
      const { record, status } = read(id);
      return ociState(record, status);
    },
  };
}

/**
 * A container's directory holds a few small files: removed at once, in this
 * thread. (Through libuv's pool, the first fs call of a command starts its
 * threads and each step is a round trip: more than the removal itself.)
 * What cannot be removed is left to the sweep of run directories.
 */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // the sweep removes it
  }
}
