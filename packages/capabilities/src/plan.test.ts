import {
  LINUX_CAPABILITY_VERSION_3,
  PR_CAP_AMBIENT,
  PR_CAP_AMBIENT_CLEAR_ALL,
  PR_CAP_AMBIENT_RAISE,
  PR_CAPBSET_DROP,
  PR_SET_KEEPCAPS,
  Program,
  SyscallError,
} from '@gc/syscall';
import { FakeKernel, type FakeOpRecord, type FakePointer } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPABILITIES } from './docker-default.js';
import { capabilityNumber } from './names.js';
import { planBoundingSet, planCapabilities, planCapabilitySets } from './plan.js';
import { dockerCapabilitySets } from './resolve.js';

const DOCKER = dockerCapabilitySets(DOCKER_DEFAULT_CAPABILITIES);

function run(program: Program, kernel = new FakeKernel()) {
  program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
  const child = kernel.spawn(program);
  const ops = (kernel.lastRun?.ops ?? []).filter((o) => o.kind !== 'execvp');
  return { kernel, child, ops };
}

const u32s = (arg: unknown) => {
  const bytes = (arg as FakePointer).bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
};

const labels = (ops: readonly FakeOpRecord[]) => ops.map((o) => o.label);

describe('planBoundingSet', () => {
  it('drops every capability outside the bounding set, in number order, then sets KEEPCAPS', () => {
    const program = new Program();
    const plan = planBoundingSet(program, DOCKER, { lastCap: 40 });
    const { ops } = run(program);
    const drops = ops.slice(0, -1);
    expect(drops).toHaveLength(41 - 14);
    expect(plan.dropped).toHaveLength(41 - 14);
    expect(drops.every((o) => o.syscall === 'prctl' && o.args[0] === PR_CAPBSET_DROP)).toBe(true);
    expect(drops.map((o) => o.args[1])).toEqual(
      Array.from({ length: 41 }, (_, n) => n).filter((n) => !DOCKER.bounding.some((c) => capabilityNumber(c) === n)),
    );
    expect(drops.map((o) => o.pkg)).toEqual(drops.map(() => '@gc/capabilities'));
    expect(drops[0]?.label).toBe('drop CAP_DAC_READ_SEARCH from the bounding set');
    expect(labels(drops)).toContain('drop CAP_SYS_ADMIN from the bounding set');
    expect(labels(drops)).not.toContain('drop CAP_CHOWN from the bounding set');
    const keep = ops.at(-1);
    expect(keep?.args.slice(0, 2)).toEqual([PR_SET_KEEPCAPS, 1]);
    expect(keep?.label).toBe('keep the permitted capabilities across the uid change (PR_SET_KEEPCAPS 1)');
  });

  it('tolerates EINVAL for a capability the kernel lacks, and drops past the kernel up to the table', async () => {
    const program = new Program();
    planBoundingSet(program, { bounding: ['CAP_CHOWN'] }, { lastCap: 38 });
    const kernel = new FakeKernel();
    kernel.fail({ syscall: 'prctl', label: 'drop CAP_BPF from the bounding set', errno: 'EINVAL' });
    kernel.fail({ syscall: 'prctl', label: 'drop CAP_CHECKPOINT_RESTORE from the bounding set', errno: 'EINVAL' });
    const { child, ops } = run(program, kernel);
    await expect(child.started).resolves.toBeUndefined();
    expect(ops.filter((o) => o.errno !== undefined).map((o) => o.label)).toEqual([
      'drop CAP_BPF from the bounding set',
      'drop CAP_CHECKPOINT_RESTORE from the bounding set',
    ]);
  });

  it('drops CAP_<n> of a kernel newer than the table', () => {
    const program = new Program();
    const plan = planBoundingSet(program, { bounding: [] }, { lastCap: 42 });
    expect(plan.dropped.slice(-2)).toEqual(['CAP_41', 'CAP_42']);
  });

  it('fails the program on another errno, naming the op', async () => {
    const program = new Program();
    planBoundingSet(program, DOCKER, { lastCap: 40 });
    const kernel = new FakeKernel();
    kernel.fail({ syscall: 'prctl', label: 'drop CAP_SYS_ADMIN from the bounding set', errno: 'EPERM' });
    const { child } = run(program, kernel);
    const error = await child.started.catch((e: unknown) => e);
    expect(SyscallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'drop CAP_SYS_ADMIN from the bounding set (capabilities): EPERM (Operation not permitted)',
    );
  });

  it('refuses an invalid config before planning anything', () => {
    const program = new Program();
    expect(() => planBoundingSet(program, { bounding: ['CAP_CHOWN', 'CAP_BOGUS'] }, { lastCap: 40 })).toThrow(
      'process.capabilities.bounding[1]: "CAP_BOGUS" is not a capability',
    );
    expect(program.ops).toHaveLength(0);
  });
});

describe('planCapabilitySets', () => {
  it('clears KEEPCAPS, capsets with a v3 header and two data structs, clears and raises ambient', () => {
    const program = new Program();
    planCapabilitySets(
      program,
      {
        bounding: [...DOCKER.bounding, 'CAP_SYS_ADMIN', 'CAP_BPF'],
        effective: ['CAP_NET_BIND_SERVICE', 'CAP_BPF'],
        permitted: ['CAP_NET_BIND_SERVICE', 'CAP_KILL', 'CAP_BPF', 'CAP_SYS_ADMIN'],
        inheritable: ['CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN'],
        ambient: ['CAP_SYS_ADMIN', 'CAP_NET_BIND_SERVICE'],
      },
      { lastCap: 40 },
    );
    const { ops } = run(program);
    expect(ops.map((o) => o.syscall)).toEqual(['prctl', 'capset', 'prctl', 'prctl', 'prctl']);
    expect(ops[0]?.args.slice(0, 2)).toEqual([PR_SET_KEEPCAPS, 0]);
    const capset = ops[1] as FakeOpRecord;
    expect(u32s(capset.args[0])).toEqual([LINUX_CAPABILITY_VERSION_3, 0]);
    const bind = 1 << 10;
    const kill = 1 << 5;
    const admin = 1 << 21;
    const bpfHigh = 1 << (39 - 32);
    expect(u32s(capset.args[1])).toEqual([bind, bind | kill | admin, bind | admin, bpfHigh, bpfHigh, 0]);
    expect(capset.label).toBe(
      'capset effective 0000008000000400, permitted 0000008000200420, inheritable 0000000000200400',
    );
    expect(ops[2]?.args.slice(0, 2)).toEqual([PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL]);
    expect(ops.slice(3).map((o) => o.args.slice(0, 3))).toEqual([
      [PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 10],
      [PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 21],
    ]);
    expect(labels(ops.slice(2))).toEqual([
      'clear the ambient capability set',
      'raise CAP_NET_BIND_SERVICE in the ambient set',
      'raise CAP_SYS_ADMIN in the ambient set',
    ]);
  });

  it("Docker's default for root: effective = permitted = a80425fb, nothing inheritable", () => {
    const program = new Program();
    const plan = planCapabilitySets(program, DOCKER, { lastCap: 40 });
    expect(plan.ignored).toEqual([]);
    const { ops } = run(program);
    expect(u32s(ops[1]?.args[1])).toEqual([0xa80425fb, 0xa80425fb, 0, 0, 0, 0]);
  });

  it('leaves out (and reports) capabilities the running kernel lacks, as runc does', () => {
    const program = new Program();
    const plan = planCapabilitySets(
      program,
      { bounding: ['CAP_CHOWN', 'CAP_BPF'], permitted: ['CAP_CHOWN', 'CAP_BPF'], effective: ['CAP_BPF'] },
      { lastCap: 38 },
    );
    expect(plan.ignored).toEqual(['CAP_BPF']);
    expect(plan.sets.permitted).toEqual(['CAP_CHOWN']);
    const { ops } = run(program);
    expect(u32s(ops[1]?.args[1])).toEqual([0, 1, 0, 0, 0, 0]);
  });
});

describe('planCapabilities', () => {
  it('is the bounding set, then the sets, with nothing between', () => {
    const program = new Program();
    planCapabilities(program, DOCKER, { lastCap: 40 });
    const { ops } = run(program);
    const keepOn = ops.findIndex((o) => o.args[0] === PR_SET_KEEPCAPS && o.args[1] === 1);
    expect(keepOn).toBe(27);
    expect(ops[keepOn + 1]?.args.slice(0, 2)).toEqual([PR_SET_KEEPCAPS, 0]);
    expect(ops[keepOn + 2]?.syscall).toBe('capset');
    expect(program.toString()).toContain('capset effective 00000000a80425fb');
  });
});
