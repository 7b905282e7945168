import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWTIME,
  CLONE_NEWUSER,
  CLONE_NEWUTS,
  CLONE_PARENT,
  O_CLOEXEC,
  O_RDONLY,
  PR_SET_DUMPABLE,
  Program,
  SyscallError,
} from '@gc/syscall';
import { FakeKernel, type FakeOpRecord, type FakePointer } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { type PlanNamespacesOptions, planNamespaces } from './plan.js';
import type { NamespaceInput } from './validate.js';

function plan(input: NamespaceInput, opts: PlanNamespacesOptions = { setgroupsDeny: false }) {
  const program = new Program();
  const ns = planNamespaces(program, input, opts);
  program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
  return { program, ns };
}

/** The ops of the run as `kind syscall label` lines, the exec left out. */
function steps(ops: readonly FakeOpRecord[]): string[] {
  return ops.filter((o) => o.kind !== 'execvp').map((o) => `${o.kind === 'syscall' ? o.syscall : o.kind}: ${o.label}`);
}

const text = (value: unknown) => new TextDecoder().decode((value as FakePointer).bytes);

describe('planNamespaces', () => {
  it('creates new namespaces with clone flags and no ops', async () => {
    const types = ['mount', 'uts', 'ipc', 'pid', 'network', 'cgroup', 'time'] as const;
    const { program, ns } = plan({ namespaces: types.map((type) => ({ type })) });
    expect(ns.cloneFlags).toBe(
      BigInt(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME),
    );
    expect(ns.forks).toBe(false);
    expect(program.ops).toHaveLength(1);
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    expect(await ns.afterSpawn(child, kernel)).toBe(child);
    expect(kernel.lastRun?.state).toBe('exec');
  });

  it('new user namespace: the child WAITs first while the parent writes uid_map and gid_map', async () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'user' }, { type: 'mount' }],
      uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }],
      gidMappings: [
        { containerID: 0, hostID: 100000, size: 1000 },
        { containerID: 1000, hostID: 5000, size: 1 },
      ],
    });
    expect(ns.cloneFlags).toBe(BigInt(CLONE_NEWUSER | CLONE_NEWNS));
    expect(program.ops[0]?.kind).toBe('wait');
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    expect(kernel.lastRun?.state).toBe('waiting');
    await ns.afterSpawn(child, kernel);
    expect(kernel.callsOf('openat').map((c) => c.path)).toEqual([
      `/proc/${child.pid}/uid_map`,
      `/proc/${child.pid}/gid_map`,
    ]);
    expect(kernel.callsOf('write').map((c) => new TextDecoder().decode(c.data))).toEqual([
      '0 100000 65536\n',
      '0 100000 1000\n1000 5000 1\n',
    ]);
    expect(kernel.openFds.size).toBe(1); // the child's pidfd only: every map fd was closed
    expect(kernel.lastRun?.state).toBe('exec');
  });

  it('writes setgroups=deny before the gid_map when asked to (no CAP_SETGID)', async () => {
    const { program, ns } = plan(
      { namespaces: [{ type: 'user' }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] },
      { setgroupsDeny: true },
    );
    const kernel = new FakeKernel();
    await ns.afterSpawn(kernel.spawn(program, { cloneFlags: ns.cloneFlags }), kernel);
    expect(kernel.callsOf('openat').map((c) => c.path.split('/').at(-1))).toEqual(['setgroups', 'gid_map']);
    expect(new TextDecoder().decode(kernel.callsOf('write')[0]?.data)).toBe('deny');
  });

  it('a new user namespace without mappings needs no handshake', () => {
    const { program } = plan({ namespaces: [{ type: 'user' }] });
    expect(program.ops.map((o) => o.kind)).toEqual(['execvp']);
  });

  it('joins: not dumpable, opens every path, setns user first and mount last, closes, then FORKs for pid', async () => {
    const { program, ns } = plan({
      namespaces: [
        { type: 'mount', path: '/proc/42/ns/mnt' },
        { type: 'network', path: '/proc/42/ns/net' },
        { type: 'user', path: '/proc/42/ns/user' },
        { type: 'pid', path: '/proc/42/ns/pid' },
        { type: 'uts' },
      ],
    });
    expect(ns.forks).toBe(true);
    // A joined user namespace: the new uts namespace is unshared after it, so it belongs to it.
    expect(ns.cloneFlags).toBe(0n);
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    const run = kernel.lastRun!;
    expect(steps(run.ops)).toEqual([
      'prctl: make the process non-dumpable before joining namespaces',
      'openat: open the user namespace /proc/42/ns/user',
      'openat: open the network namespace /proc/42/ns/net',
      'openat: open the pid namespace /proc/42/ns/pid',
      'openat: open the mount namespace /proc/42/ns/mnt',
      'setns: join the user namespace /proc/42/ns/user',
      'setns: join the network namespace /proc/42/ns/net',
      'setns: join the pid namespace /proc/42/ns/pid',
      'setns: join the mount namespace /proc/42/ns/mnt',
      'close: close the user namespace fd',
      'close: close the network namespace fd',
      'close: close the pid namespace fd',
      'close: close the mount namespace fd',
      'unshare: create the uts namespaces',
      'fork: fork the container process into the joined or new namespaces',
    ]);
    expect(run.ops[0]?.args.slice(0, 2)).toEqual([PR_SET_DUMPABLE, 0]);
    expect(run.ops[1]?.args).toEqual([-100, '/proc/42/ns/user', O_RDONLY | O_CLOEXEC]);
    // setns gets the fd its openat returned, and the type's flag.
    expect(run.ops[5]?.args).toEqual([run.ops[1]?.result, CLONE_NEWUSER]);
    expect(run.ops[8]?.args).toEqual([run.ops[4]?.result, CLONE_NEWNS]);
    expect(run.ops[13]?.args).toEqual([CLONE_NEWUTS]);
    expect(run.ops[14]?.args).toEqual([CLONE_PARENT]);
    const handle = await ns.afterSpawn(child, kernel);
    const forked = run.notifications[0]!;
    expect(handle.pid).toBe(Number(forked.value));
    expect(handle.pid).not.toBe(child.pid);
    expect(kernel.callsOf('attach')).toEqual([{ pid: handle.pid }]);
  });

  it('joins without a user namespace keep the new namespaces as clone flags', () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'network', path: '/run/netns/a' }, { type: 'mount' }, { type: 'pid' }],
    });
    expect(ns.cloneFlags).toBe(BigInt(CLONE_NEWNS | CLONE_NEWPID));
    expect(ns.forks).toBe(false);
    expect(program.ops.filter((o) => o.syscall === 'unshare')).toEqual([]);
  });

  it('joins with a new user namespace: unshare it after the joins, NOTIFY, WAIT for the maps, then unshare the rest', async () => {
    const { program, ns } = plan({
      namespaces: [
        { type: 'network', path: '/run/netns/a' },
        { type: 'user' },
        { type: 'mount' },
        { type: 'ipc' },
        { type: 'pid' },
      ],
      uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }],
    });
    expect(ns.cloneFlags).toBe(0n);
    expect(ns.forks).toBe(true);
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    expect(steps(kernel.lastRun!.ops)).toEqual([
      'prctl: make the process non-dumpable before joining namespaces',
      'openat: open the network namespace /run/netns/a',
      'setns: join the network namespace /run/netns/a',
      'close: close the network namespace fd',
      'unshare: create the user namespace',
      'notify: ask the parent to write the id maps',
    ]);
    expect(kernel.lastRun?.state).toBe('waiting'); // on the WAIT
    const handle = await ns.afterSpawn(child, kernel);
    expect(kernel.callsOf('openat').map((c) => c.path)).toEqual([`/proc/${child.pid}/uid_map`]);
    const run = kernel.lastRun!;
    expect(steps(run.ops).slice(6)).toEqual([
      'wait: wait for the parent to write the id maps',
      'unshare: create the mount, ipc namespaces',
      'fork: fork the container process as PID 1 of the new pid namespace',
    ]);
    expect(run.ops[7]?.args).toEqual([CLONE_NEWNS | CLONE_NEWIPC]);
    expect(run.ops[8]?.args).toEqual([CLONE_PARENT | CLONE_NEWPID]);
    expect(handle.pid).toBe(Number(run.notifications[1]?.value));
  });

  it('joinProcess: one setns on the pidfd joins all its types; the fd table hands it over, and it is closed', async () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'mount' }, { type: 'pid' }],
      joinProcess: { pidfd: 57, types: ['network', 'uts'] },
    });
    // No user namespace involved: the new namespaces stay clone flags, and nothing forks.
    expect(ns.cloneFlags).toBe(BigInt(CLONE_NEWNS | CLONE_NEWPID));
    expect(ns.forks).toBe(false);
    // The parent's pidfd is fd 3 in the child, above the stdio.
    expect(program.fds).toEqual([
      { target: 0, source: 0 },
      { target: 1, source: 1 },
      { target: 2, source: 2 },
      { target: 3, source: 57 },
    ]);
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    const run = kernel.lastRun!;
    expect(steps(run.ops)).toEqual([
      'prctl: make the process non-dumpable before joining namespaces',
      'setns: join the uts, network namespaces of the process (pidfd)',
      'close: close the pidfd',
    ]);
    expect(run.ops[1]?.args).toEqual([3, CLONE_NEWUTS | CLONE_NEWNET]);
    expect(run.ops[2]?.args).toEqual([3]);
    expect(kernel.callsOf('openat')).toEqual([]);
    expect(await ns.afterSpawn(child, kernel)).toBe(child);
  });

  it('joinProcess then setFds (the runtime sets stdio last): the pidfd entry stays; a clash throws', () => {
    const { program } = plan({ namespaces: [], joinProcess: { pidfd: 57, types: ['ipc'] } });
    program.setFds([
      { target: 0, source: 20 },
      { target: 1, source: 21 },
      { target: 2, source: 22 },
    ]);
    expect(program.fds).toEqual([
      { target: 0, source: 20 },
      { target: 1, source: 21 },
      { target: 2, source: 22 },
      { target: 3, source: 57 },
    ]);
    expect(program.ops.find((o) => o.syscall === 'setns')?.args).toEqual([3, CLONE_NEWIPC]);
    expect(() => program.setFds([{ target: 3, source: 23 }])).toThrow(
      'setFds: entry 0 target 3 is taken: @gc/namespaces kept fd 57 there with keepFd',
    );
  });

  it('setFds then joinProcess: the pidfd goes above the fds already set', () => {
    const program = new Program().setFds([
      { target: 0, source: 0 },
      { target: 1, source: 1 },
      { target: 2, source: 2 },
      { target: 3, source: 40 },
    ]);
    planNamespaces(program, { namespaces: [], joinProcess: { pidfd: 57, types: ['uts'] } });
    expect(program.fds.at(-1)).toEqual({ target: 4, source: 57 });
    expect(program.ops.map((o) => o.args)).toContainEqual([4, CLONE_NEWUTS]);
  });

  it('joinProcess with the user namespace: joined first, then the paths; the new ones unshared inside; FORK for pid', async () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'network', path: '/run/netns/a' }, { type: 'mount' }, { type: 'uts' }],
      joinProcess: { pidfd: 57, types: ['pid', 'user', 'ipc'] },
    });
    expect(ns.cloneFlags).toBe(0n);
    expect(ns.forks).toBe(true);
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    const run = kernel.lastRun!;
    expect(steps(run.ops)).toEqual([
      'prctl: make the process non-dumpable before joining namespaces',
      'openat: open the network namespace /run/netns/a',
      'setns: join the user, ipc, pid namespaces of the process (pidfd)',
      'setns: join the network namespace /run/netns/a',
      'close: close the pidfd',
      'close: close the network namespace fd',
      'unshare: create the mount, uts namespaces',
      'fork: fork the container process into the joined or new namespaces',
    ]);
    expect(run.ops[2]?.args).toEqual([3, CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWPID]);
    expect(run.ops[4]?.args).toEqual([3]);
    const handle = await ns.afterSpawn(child, kernel);
    expect(handle.pid).toBe(Number(run.notifications[0]?.value));
  });

  it('joinProcess with the mount namespace (not the user one) is joined last, after every path', () => {
    const { program } = plan({
      namespaces: [
        { type: 'user', path: '/proc/42/ns/user' },
        { type: 'time', path: '/proc/42/ns/time' },
      ],
      joinProcess: { pidfd: 57, types: ['mount', 'cgroup'] },
    });
    expect(program.ops.filter((o) => o.syscall === 'setns').map((o) => o.label)).toEqual([
      'join the user namespace /proc/42/ns/user',
      'join the time namespace /proc/42/ns/time',
      'join the cgroup, mount namespaces of the process (pidfd)',
    ]);
  });

  it('joinProcess with both user and mount goes first: user-first wins, the paths were opened before', () => {
    const { program } = plan({
      namespaces: [{ type: 'network', path: '/proc/42/ns/net' }],
      joinProcess: { pidfd: 57, types: ['mount', 'user'] },
    });
    expect(program.ops.filter((o) => o.syscall === 'setns' || o.syscall === 'openat').map((o) => o.label)).toEqual([
      'open the network namespace /proc/42/ns/net',
      'join the user, mount namespaces of the process (pidfd)',
      'join the network namespace /proc/42/ns/net',
    ]);
  });

  it('a joined user namespace by pidfd keeps its maps: none are written', () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'mount' }],
      joinProcess: { pidfd: 57, types: ['user'] },
      uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }],
    });
    expect(program.ops.filter((o) => o.kind === 'wait' || o.kind === 'notify')).toEqual([]);
    expect(ns.forks).toBe(false);
  });

  it('rejects a failed pidfd join with its label (the process is gone)', async () => {
    const { program, ns } = plan({ namespaces: [], joinProcess: { pidfd: 57, types: ['uts', 'network'] } });
    const kernel = new FakeKernel().fail({ syscall: 'setns', errno: 'ESRCH' });
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    await expect(child.started).rejects.toThrow(
      'join the uts, network namespaces of the process (pidfd) (namespaces): ESRCH (No such process)',
    );
  });

  it('time offsets: unshare the time namespace, write timens_offsets, FORK with the new pid namespace', async () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'pid' }, { type: 'time' }, { type: 'mount' }],
      timeOffsets: { boottime: { secs: 86400, nanosecs: 0 }, monotonic: { secs: -10, nanosecs: 500 } },
    });
    // CLONE_NEWPID moved to the fork: an init cannot fork with CLONE_PARENT, and the grandchild is PID 1.
    expect(ns.cloneFlags).toBe(BigInt(CLONE_NEWNS));
    expect(ns.forks).toBe(true);
    const kernel = new FakeKernel();
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    const run = kernel.lastRun!;
    expect(steps(run.ops)).toEqual([
      'unshare: create the time namespace (for the next process)',
      'openat: open /proc/self/timens_offsets',
      'write: set the time offsets (monotonic -10 500, boottime 86400 0)',
      'close: close /proc/self/timens_offsets',
      'fork: fork the container process as PID 1 of the new pid namespace',
    ]);
    expect(run.ops[0]?.args).toEqual([CLONE_NEWTIME]);
    expect(text(run.ops[2]?.args[1])).toBe('monotonic -10 500\nboottime 86400 0\n');
    expect(run.ops[2]?.args[2]).toBe('monotonic -10 500\nboottime 86400 0\n'.length);
    expect(run.ops[4]?.args).toEqual([CLONE_PARENT | CLONE_NEWPID]);
    const handle = await ns.afterSpawn(child, kernel);
    expect(handle.pid).toBe(Number(run.notifications[0]?.value));
  });

  it('a time namespace without offsets is a plain clone flag', () => {
    const { ns } = plan({ namespaces: [{ type: 'time' }], timeOffsets: {} });
    expect(ns.cloneFlags).toBe(BigInt(CLONE_NEWTIME));
    expect(ns.forks).toBe(false);
  });

  it('joining a time namespace needs no fork: setns moves the caller itself', () => {
    const { ns } = plan({ namespaces: [{ type: 'time', path: '/proc/1/ns/time' }] });
    expect(ns.forks).toBe(false);
  });

  it('credits every op to @gc/namespaces', () => {
    const { program } = plan({ namespaces: [{ type: 'pid', path: '/proc/1/ns/pid' }] });
    expect(new Set(program.ops.filter((o) => o.kind !== 'execvp').map((o) => o.pkg))).toEqual(
      new Set(['@gc/namespaces']),
    );
  });

  it('rejects with the failed op and kills the child when a join fails', async () => {
    const { program, ns } = plan({ namespaces: [{ type: 'pid', path: '/proc/42/ns/pid' }] });
    const kernel = new FakeKernel().fail({ syscall: 'setns', errno: 'EPERM' });
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    const error = await ns.afterSpawn(child, kernel).catch((e: unknown) => e);
    expect(SyscallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'join the pid namespace /proc/42/ns/pid (namespaces): EPERM (Operation not permitted)',
    );
    expect(kernel.callsOf('kill')).toEqual([{ pid: child.pid, signal: 9 }]);
  });

  it('rejects naming the map file when the parent cannot write the id maps', async () => {
    const { program, ns } = plan({
      namespaces: [{ type: 'user' }],
      uidMappings: [{ containerID: 0, hostID: 0, size: 1 }],
    });
    const kernel = new FakeKernel().fail({ syscall: 'write', errno: 'EPERM' });
    const child = kernel.spawn(program, { cloneFlags: ns.cloneFlags });
    await expect(ns.afterSpawn(child, kernel)).rejects.toThrow(
      `write "0 0 1" to /proc/${child.pid}/uid_map (namespaces): EPERM (Operation not permitted)`,
    );
    expect(await child.exited).toMatchObject({ signal: 'SIGKILL' });
  });

  it('validates its input before planning anything', () => {
    const program = new Program();
    expect(() =>
      planNamespaces(program, { namespaces: [{ type: 'user' }], timeOffsets: { boottime: { secs: 1, nanosecs: 0 } } }),
    ).toThrow('linux.timeOffsets: time offsets need a new time namespace');
    expect(program.ops).toHaveLength(0);
  });
});
