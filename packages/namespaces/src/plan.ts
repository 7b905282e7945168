import {
  AT_FDCWD,
  CLONE_NEWPID,
  CLONE_NEWTIME,
  CLONE_NEWUSER,
  CLONE_PARENT,
  GcError,
  type Kernel,
  type Notification,
  O_CLOEXEC,
  O_RDONLY,
  O_WRONLY,
  PR_SET_DUMPABLE,
  type ProcessHandle,
  type ProgramScope,
  type SpawnedChild,
} from '@gc/syscall';
import { hasCapSetgid, writeIdMaps } from './id-maps.js';
import { PKG } from './pkg.js';
import { formatTimeOffsets } from './time-offsets.js';
import { CLONE_FLAG_OF, type IdMapping, type NamespaceType } from './types.js';
import { type NamespaceInput, validateNamespaceInput } from './validate.js';

export interface PlanNamespacesOptions {
  /**
   * Write `deny` to /proc/PID/setgroups before the gid_map. Default: only when
   * this process lacks CAP_SETGID, as runc does (root keeps setgroups usable).
   */
  readonly setgroupsDeny?: boolean;
}

/** What the runtime does with the namespace part of a container, around `kernel.spawn`. */
export interface NamespacePlan {
  /** Pass to `kernel.spawn(program, { cloneFlags })`: the namespaces created by clone3 itself. */
  readonly cloneFlags: bigint;
  /** The program FORKs: the container's process is a grandchild, reported by `afterSpawn`. */
  readonly forks: boolean;
  /**
   * Call right after `kernel.spawn`: writes the id maps the child waits for,
   * releases it, and returns the container's process (the child itself, or the
   * forked grandchild). On failure it kills the child and rejects, with the
   * failed op's SyscallError when the child failed first.
   */
  afterSpawn(child: SpawnedChild, kernel: Kernel): Promise<ProcessHandle>;
}

// runc's nsexec joins the user namespace first (so the others can be joined
// with its capabilities) and the mount namespace last (setns into it changes
// the root and cwd under which the other paths would resolve).
const JOIN_ORDER: readonly NamespaceType[] = ['user', 'cgroup', 'ipc', 'uts', 'network', 'pid', 'time', 'mount'];

/** One setns: a namespace file (one type), or a process's pidfd (all its types at once). */
type Join = { readonly types: readonly NamespaceType[] } & ({ readonly path: string } | { readonly pidfd: number });

/**
 * Where a join goes in runc's order. A pidfd join of several types takes the
 * place of its first one, so with the user namespace it goes first; with the
 * mount namespace but not the user one it goes last. One that joins both goes
 * first: user-first is what gives the other joins their capabilities, and the
 * paths were all opened before any setns, so none resolves in the new mounts.
 */
function joinRank(join: Join): number {
  if (join.types.includes('mount') && !join.types.includes('user')) return JOIN_ORDER.length;
  return Math.min(...join.types.map((type) => JOIN_ORDER.indexOf(type)));
}

function inJoinOrder(types: readonly NamespaceType[]): NamespaceType[] {
  return JOIN_ORDER.filter((type) => types.includes(type));
}

// Created by unshare(2) after the joins; pid and time are special (see below).
const UNSHARE_ORDER: readonly NamespaceType[] = ['mount', 'uts', 'ipc', 'network', 'cgroup'];

const utf8 = new TextEncoder();

/**
 * Plan the namespaces of a container: append their ops to `program` (call it
 * before any other package plans ops) and say which clone flags to spawn with.
 *
 * - No joins, or joins without a user namespace involved: every new namespace
 *   is a clone flag. With a new user namespace the first op WAITs while
 *   `afterSpawn` writes its uid_map and gid_map.
 * - Joins (`path`): PR_SET_DUMPABLE 0, open every path, setns user first and
 *   mount last, close the fds. When a user namespace is new or joined, the new
 *   namespaces are made after the joins with unshare(2), as runc does, so they
 *   belong to that user namespace and the joins still had the host's
 *   capabilities; a new user namespace then NOTIFYs and WAITs for its maps.
 * - `joinProcess` joins several namespaces of a process with one
 *   setns(pidfd, flags), at the place of its first type in that order (see
 *   `joinRank`). The pidfd reaches the child through `keepFd` and is closed
 *   with the namespace fds, before any container code runs. Otherwise it is
 *   a join like the others: same rules for new namespaces and for the FORK.
 * - Joining a PID namespace only moves the children: the program FORKs
 *   (`CLONE_PARENT`, so the grandchild is the runtime's own child).
 * - Time offsets can only be written before a process enters the namespace:
 *   unshare(CLONE_NEWTIME), write /proc/self/timens_offsets, then FORK. A new
 *   PID namespace moves to that FORK's flags so the grandchild is PID 1 (an
 *   init cannot fork with CLONE_PARENT anyway).
 *
 * Credentials are not touched: the process is uid 0 in a new user namespace
 * only if the maps map 0 (setresuid belongs to a later package).
 */
export function planNamespaces(
  program: ProgramScope,
  input: NamespaceInput,
  opts: PlanNamespacesOptions = {},
): NamespacePlan {
  validateNamespaceInput(input);
  const p = program.scope(PKG);
  const created = new Set(input.namespaces.filter((s) => s.path === undefined).map((s) => s.type));
  const joins: Join[] = input.namespaces.flatMap((s) =>
    s.path === undefined ? [] : [{ types: [s.type], path: s.path }],
  );
  if (input.joinProcess !== undefined) {
    joins.push({ types: inJoinOrder(input.joinProcess.types), pidfd: input.joinProcess.pidfd });
  }
  joins.sort((a, b) => joinRank(a) - joinRank(b));
  const joinsType = (type: NamespaceType) => joins.some((j) => j.types.includes(type));

  // A joined user namespace has its maps already: only a new one gets ours.
  const uidMappings: readonly IdMapping[] = created.has('user') ? (input.uidMappings ?? []) : [];
  const gidMappings: readonly IdMapping[] = created.has('user') ? (input.gidMappings ?? []) : [];
  const writesMaps = uidMappings.length + gidMappings.length > 0;
  const offsets = created.has('time') ? formatTimeOffsets(input.timeOffsets) : '';

  const late = joins.length > 0 && (created.has('user') || joinsType('user'));
  // unshare(CLONE_NEWTIME) and unshare(CLONE_NEWPID) only affect children; clone(2)'s
  // flags cannot hold CLONE_NEWTIME (it sits in the exit-signal byte), so a late time ns needs the fork too.
  const timeByUnshare = created.has('time') && (late || offsets !== '');
  const forks = joinsType('pid') || timeByUnshare || (late && created.has('pid'));
  const pidAtFork = created.has('pid') && forks;

  let cloneFlags = 0n;
  if (!late) {
    for (const type of created) {
      if ((type === 'time' && timeByUnshare) || (type === 'pid' && pidAtFork)) continue;
      cloneFlags |= BigInt(CLONE_FLAG_OF[type]);
    }
  }

  if (!late && created.has('user') && writesMaps) p.wait('wait for the parent to write the id maps');

  if (joins.length > 0) {
    // A running container's processes could otherwise ptrace us (and our fds) once we share its namespaces.
    p.syscall('prctl', [PR_SET_DUMPABLE, 0, 0, 0, 0], 'make the process non-dumpable before joining namespaces');
    // Every path first: /proc/PID/ns/* of the host stops resolving once we joined a mount or pid namespace.
    const steps = joins.map((join) => {
      const types = join.types.join(', ');
      if ('pidfd' in join) {
        // The pidfd is the parent's: the fd table hands it over, and the close below keeps it from the container.
        const fd = p.keepFd(join.pidfd);
        const what = `the ${types} namespace${join.types.length > 1 ? 's' : ''} of the process (pidfd)`;
        return { join, fd, what, close: 'close the pidfd' };
      }
      const what = `the ${types} namespace ${join.path}`;
      const fd = p.syscall('openat', [AT_FDCWD, join.path, O_RDONLY | O_CLOEXEC], `open ${what}`);
      return { join, fd, what, close: `close the ${types} namespace fd` };
    });
    for (const { join, fd, what } of steps) {
      const flags = join.types.reduce((acc, type) => acc | CLONE_FLAG_OF[type], 0);
      p.syscall('setns', [fd, flags], `join ${what}`);
    }
    for (const { fd, close } of steps) p.syscall('close', [fd], close);
  }

  let mapRequestOp: number | undefined;
  if (late) {
    if (created.has('user')) {
      p.syscall('unshare', [CLONE_NEWUSER], 'create the user namespace');
      if (writesMaps) {
        mapRequestOp = p.notify(0, 'ask the parent to write the id maps').index;
        p.wait('wait for the parent to write the id maps');
      }
    }
    const types = UNSHARE_ORDER.filter((t) => created.has(t));
    if (types.length > 0) {
      const flags = types.reduce((acc, t) => acc | CLONE_FLAG_OF[t], 0);
      p.syscall('unshare', [flags], `create the ${types.join(', ')} namespaces`);
    }
  }

  if (timeByUnshare) {
    p.syscall('unshare', [CLONE_NEWTIME], 'create the time namespace (for the next process)');
    if (offsets !== '') {
      const path = '/proc/self/timens_offsets';
      const fd = p.syscall('openat', [AT_FDCWD, path, O_WRONLY | O_CLOEXEC], `open ${path}`);
      const text = utf8.encode(offsets);
      p.syscall('write', [fd, text, text.length], `set the time offsets (${offsets.trim().replace(/\n/g, ', ')})`);
      p.syscall('close', [fd], `close ${path}`);
    }
  }

  let forkOp: number | undefined;
  if (forks) {
    const why = pidAtFork ? 'as PID 1 of the new pid namespace' : 'into the joined or new namespaces';
    forkOp = p.fork(BigInt(CLONE_PARENT | (pidAtFork ? CLONE_NEWPID : 0)), `fork the container process ${why}`).index;
  }

  const setgroupsDeny = opts.setgroupsDeny;
  return {
    cloneFlags,
    forks,
    async afterSpawn(child: SpawnedChild, kernel: Kernel): Promise<ProcessHandle> {
      try {
        if (writesMaps) {
          if (mapRequestOp !== undefined) await expectNotification(child, mapRequestOp);
          writeIdMaps(kernel, child.pid, {
            uidMappings,
            gidMappings,
            setgroupsDeny: setgroupsDeny ?? !hasCapSetgid(),
          });
          child.release(0);
        }
        if (forkOp === undefined) return child;
        const forked = await expectNotification(child, forkOp);
        return kernel.attach(Number(forked.value));
      } catch (error) {
        child.kill();
        throw error;
      }
    },
  };
}

async function expectNotification(child: SpawnedChild, op: number): Promise<Notification> {
  let notification: Notification;
  try {
    notification = await child.nextNotification();
  } catch (error) {
    // The sync socket closed early: the program failed, and `started` says where.
    await child.started;
    throw error;
  }
  if (notification.op !== op) {
    throw new GcError(
      'EUNEXPECTED_NOTIFICATION',
      `namespaces: expected the child's notification from op ${op}, got op ${notification.op} ` +
        `(${notification.label}): plan the namespaces before any other op that notifies`,
    );
  }
  return notification;
}
