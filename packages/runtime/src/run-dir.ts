import {
  type Dirent,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlink,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { type CgroupManager, createCgroupManager } from '@gc/cgroups';
import { GcError } from '@gc/syscall';
import { fsError } from './fs-error.js';
import { currentOwner, ownerIsAlive, ownerOf, type ProcessOwner } from './process-owner.js';

/** Where gocontainer keeps what its containers need on the host while they run (`gocontainer --root`). */
export const RUN_ROOT = '/run/gocontainer';

export interface RunDirOptions {
  /** The directory that holds the run directories (default RUN_ROOT). */
  root?: string;
}

export interface CreateRunDirOptions extends RunDirOptions {
  /** Make the overlay's upper, work and merged directories (a root on an overlay of the host's). */
  overlay?: boolean;
}

export interface RunDirOverlay {
  /** The overlay's upper and work dirs (the container's writes land in upper). */
  readonly upper: string;
  readonly work: string;
  /** Where the overlay is attached inside the container's mount namespace; empty on the host. */
  readonly merged: string;
}

export interface RunDir {
  readonly path: string;
  /** With `overlay: true` only: each one more directory to make and remove. */
  readonly overlay: RunDirOverlay | undefined;
  /**
   * Write the container's cgroup into the owner record, before the cgroup is
   * made: its path, and the parent directories about to be made with it
   * (`CgroupManager.missingParents()`). A sweep after a crash of this
   * process removes them.
   */
  recordCgroup(cgroup: Pick<CgroupManager, 'path' | 'missingParents'>): void;
  /**
   * Make process `pid` its owner from now on (a detached container's init,
   * once it runs: the starter that made the directory exits, and a sweep
   * must leave it until the init is gone). A pid that is gone already makes
   * it a dead owner's, for the next sweep.
   */
  handOver(pid: number): void;
  /** Delete it all; idempotent. */
  remove(): Promise<void>;
}

/** The `owner` file of a run directory (JSON): who runs the container, and its cgroup. */
interface OwnerRecord extends ProcessOwner {
  readonly cgroup?: string;
  /** Parent cgroup directories missing when the cgroup was recorded: this owner may have made them. */
  readonly cgroupParents?: readonly string[];
}

const OWNER = 'owner';
/**
 * A run directory being made (`.new-`) or being swept (`.gone-`) is named
 * after the process doing it, so that a sweep finds its owner without
 * reading it: `.new-PID-START-ID`. The state store names its transient
 * container directories so too, for the sweep to remove.
 */
const TRANSIENT = /^\.(new|gone)-(\d+)-(\d+)-(.*)$/;
export const transientName = (kind: 'new' | 'gone', owner: ProcessOwner, id: string) =>
  `.${kind}-${owner.pid}-${owner.start}-${id}`;

/**
 * The run root holds owner records that a sweep acts on (it kills the
 * processes of the cgroup a record names): only this user may write there.
 */
function checkRunRoot(root: string): void {
  const st = lstatSync(root);
  const euid = process.geteuid?.() ?? 0;
  if (!st.isDirectory() || st.uid !== euid || (st.mode & 0o022) !== 0) {
    throw new GcError(
      'ERUNDIR',
      `the run root ${root} must be a directory owned by uid ${euid} that no group or other user can write to`,
    );
  }
}

/** A run directory of this user's, whose record names its own container's cgroup (`PARENT/ID`). */
function trusted(dir: string, id: string, record: OwnerRecord | undefined): OwnerRecord | undefined {
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== (process.geteuid?.() ?? 0)) return undefined;
  if (record?.cgroup === undefined) return record;
  if (basename(record.cgroup) !== id) return undefined;
  // The parents it may have made are ancestors of that cgroup, in a cgroup hierarchy.
  const ancestors = record.cgroup
    .split('/')
    .slice(1, -1)
    .map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`);
  const cgroupParents = (record.cgroupParents ?? []).filter(
    (p) => p.startsWith('/sys/fs/cgroup/') && ancestors.some((a) => p.endsWith(a)),
  );
  return { ...record, cgroupParents };
}

/**
 * A container's directory on the host, owned by this process: its owner
 * record (pid and start time, later the cgroup) and, with `overlay`, the
 * overlay's upper, work and merged directories. It is made under a temporary name that
 * says who makes it, and renamed into place complete: whenever this process
 * is killed, a sweep can tell whose it was. A failure removes what was made
 * and throws a GcError naming the directory and the errno.
 */
export function createRunDir(id: string, options: CreateRunDirOptions = {}): RunDir {
  const root = options.root ?? RUN_ROOT;
  const path = join(root, id);
  const owner = currentOwner();
  const temp = join(root, transientName('new', owner, id));
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    checkRunRoot(root);
    mkdirSync(temp, { mode: 0o700 });
    writeFileSync(join(temp, OWNER), JSON.stringify(owner));
    if (options.overlay) for (const sub of ['upper', 'work', 'merged']) mkdirSync(join(temp, sub));
    renameSync(temp, path);
  } catch (e) {
    if (GcError.isInstance(e)) throw e;
    try {
      rmSync(temp, { recursive: true, force: true });
    } catch {
      // nothing more to do: its name still says whose it is
    }
    throw fsError(`create the run directory ${path}`, e);
  }
  let record: OwnerRecord = owner;
  return {
    path,
    overlay: options.overlay
      ? { upper: join(path, 'upper'), work: join(path, 'work'), merged: join(path, 'merged') }
      : undefined,
    recordCgroup: (cgroup) => {
      record = { ...record, cgroup: cgroup.path, cgroupParents: cgroup.missingParents() };
      writeOwner(path, record);
    },
    handOver: (pid) => {
      record = { ...record, ...(ownerOf(pid) ?? { pid, start: 0 }) };
      writeOwner(path, record);
    },
    remove: () => removeRunDir(path),
  };
}

function writeOwner(dir: string, record: OwnerRecord): void {
  const file = join(dir, OWNER);
  try {
    // A new file renamed over the old one: a crash never leaves half a record.
    writeFileSync(`${file}.new`, JSON.stringify(record));
    renameSync(`${file}.new`, file);
  } catch (e) {
    throw fsError(`write ${file}`, e);
  }
}

/**
 * Its files at once on libuv's pool, the directories (the overlay's upper,
 * work and merged) meanwhile here, then the directory: an unlink of a file
 * that was bound into the container's mount namespace, now ending, may wait
 * for the kernel to detach that mount (an RCU grace period), and the
 * unlinks in parallel share the wait; the trees, a few entries each, cost
 * less without a round trip to the pool per level. By unlink and rmdir
 * rather than fs.rm, whose module (and its retries) is one more to load for
 * every container.
 */
async function removeRunDir(path: string): Promise<void> {
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  // The owner record last: a removal cut short leaves it, for a sweep to finish.
  const files = Promise.all(
    entries
      .filter((entry) => !entry.isDirectory() && entry.name !== OWNER)
      .map(
        (entry) =>
          new Promise<void>((resolve, reject) =>
            unlink(join(path, entry.name), (e) => (e && e.code !== 'ENOENT' ? reject(e) : resolve())),
          ),
      ),
  );
  try {
    for (const entry of entries) if (entry.isDirectory()) removeTreeSync(join(path, entry.name));
  } finally {
    await files;
  }
  gone(() => unlinkSync(join(path, OWNER)));
  gone(() => rmdirSync(path));
}

/** A directory and everything in it; what is gone already is done. */
function removeTreeSync(path: string): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) removeTreeSync(child);
    else gone(() => unlinkSync(child));
  }
  gone(() => rmdirSync(path));
}

function gone(remove: () => void): void {
  try {
    remove();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export interface SweepOptions extends RunDirOptions {
  /** The manager of a dead owner's cgroup (default: `createCgroupManager` on this host). */
  cgroup?: (path: string, madeParents: readonly string[]) => Pick<CgroupManager, 'destroy'>;
  /**
   * Called with a dead owner's run directory (under its claimed name) and
   * container id once its cgroup is gone, before the directory is removed:
   * what the caller keeps elsewhere for the container (an image store's hold)
   * goes first. If it throws, the directory stays for the next sweep.
   */
  beforeRemove?: (dir: string, id: string) => Promise<void> | void;
}

/**
 * Remove what gocontainers that no longer run left behind: for each run
 * directory whose owner is dead (pid gone, a zombie, or another process
 * now: the start time differs), its container's cgroup, in every
 * hierarchy (destroy() kills what is left in it first), then the directory.
 * A gocontainer killed with SIGKILL cannot clean up after itself; the next
 * one does. Never throws: what cannot be removed now is left for the next.
 */
export async function sweepRunDirs(options: SweepOptions = {}): Promise<void> {
  const root = options.root ?? RUN_ROOT;
  let names: string[];
  try {
    checkRunRoot(root);
    names = readdirSync(root);
  } catch {
    return; // no run root yet, or one that others can write to: not to be trusted
  }
  const cgroup =
    options.cgroup ??
    ((path: string, madeParents: readonly string[]) => createCgroupManager({ cgroupsPath: path, madeParents }));
  let me: ProcessOwner | undefined;
  await Promise.all(
    names.map(async (name) => {
      try {
        const dir = join(root, name);
        const transient = TRANSIENT.exec(name);
        const owner = transient ? { pid: Number(transient[2]), start: Number(transient[3]) } : readOwner(dir);
        if (owner === undefined || ownerIsAlive(owner)) return;
        // Claimed by a rename, which one sweeper wins; the new name says who
        // sweeps it, should this process die too.
        me ??= currentOwner();
        const claimed = join(root, transientName('gone', me, transient ? (transient[4] as string) : name));
        renameSync(dir, claimed);
        const record = trusted(claimed, transient ? (transient[4] as string) : name, readOwner(claimed));
        if (record?.cgroup) await cgroup(record.cgroup, record.cgroupParents ?? []).destroy();
        await options.beforeRemove?.(claimed, transient ? (transient[4] as string) : name);
        rmSync(claimed, { recursive: true, force: true });
      } catch {
        // Left as it is: the next sweep tries again.
      }
    }),
  );
}

/** The owner record, or undefined if there is none (not a run directory of ours) or it does not parse. */
function readOwner(dir: string): OwnerRecord | undefined {
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(join(dir, OWNER), 'utf8'));
  } catch {
    return undefined;
  }
  const r = record as Partial<OwnerRecord> | null;
  if (typeof r !== 'object' || r === null || !Number.isInteger(r.pid) || !Number.isInteger(r.start)) return undefined;
  const parents = Array.isArray(r.cgroupParents) ? r.cgroupParents.filter((p) => typeof p === 'string') : [];
  return {
    pid: r.pid as number,
    start: r.start as number,
    ...(typeof r.cgroup === 'string' ? { cgroup: r.cgroup, cgroupParents: parents } : {}),
  };
}
