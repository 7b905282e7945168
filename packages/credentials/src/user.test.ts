import { Program } from '@gc/syscall';
import { FakeKernel, type FakePointer } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { planUser } from './user.js';

function run(program: Program) {
  program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
  const kernel = new FakeKernel();
  kernel.spawn(program);
  return (kernel.lastRun?.ops ?? []).filter((o) => o.kind !== 'execvp');
}

const u32s = (arg: unknown) => {
  const b = (arg as FakePointer).bytes;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: b.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
};

describe('planUser', () => {
  it("setgroups, setresgid, setresuid: runc's order", () => {
    const program = new Program();
    planUser(program, { uid: 1000, gid: 100, additionalGids: [100, 10, 27] });
    const ops = run(program);
    expect(ops.map((o) => o.syscall)).toEqual(['setgroups', 'setresgid', 'setresuid']);
    expect(ops[0]?.args[0]).toBe(3);
    expect(u32s(ops[0]?.args[1]).slice(0, 3)).toEqual([100, 10, 27]);
    expect(ops[1]?.args).toEqual([100, 100, 100]);
    expect(ops[2]?.args).toEqual([1000, 1000, 1000]);
    expect(ops.map((o) => o.label)).toEqual([
      'set the supplementary groups to 100, 10, 27',
      'become gid 100 (setresgid)',
      'become uid 1000 (setresuid)',
    ]);
    expect(ops.every((o) => o.pkg === '@gc/credentials')).toBe(true);
  });

  it("always calls setgroups, with an empty list to drop the runtime's own groups", () => {
    const program = new Program();
    planUser(program, { uid: 0, gid: 0 });
    const ops = run(program);
    expect(ops[0]?.syscall).toBe('setgroups');
    expect(ops[0]?.args).toEqual([0, 0]);
    expect(ops[0]?.label).toBe('drop every supplementary group (setgroups [])');
  });

  it('skips setgroups when the user namespace denies it', () => {
    const program = new Program();
    planUser(program, { uid: 5, gid: 5, additionalGids: [7] }, { setgroups: false });
    expect(run(program).map((o) => o.syscall)).toEqual(['setresgid', 'setresuid']);
  });

  it('re-arms the parent-death signal right after the uid change, which cleared it', () => {
    const program = new Program();
    planUser(program, { uid: 65534, gid: 65534 }, { parentDeathSignal: 'SIGKILL' });
    const ops = run(program);
    expect(ops.map((o) => o.syscall)).toEqual(['setgroups', 'setresgid', 'setresuid', 'prctl', 'sendto']);
    expect(ops[3]?.args).toEqual([1, 9, 0, 0, 0]); // PR_SET_PDEATHSIG, SIGKILL
  });

  it('names the field of a bad id', () => {
    const program = new Program();
    expect(() => planUser(program, { uid: -1, gid: 0 })).toThrow(
      'process.user.uid: expected an id in 0..4294967294, got -1',
    );
    expect(() => planUser(program, { uid: 0, gid: 0xffffffff })).toThrow('process.user.gid: expected an id');
    expect(() => planUser(program, { uid: 0, gid: 0, additionalGids: [1, 2.5] })).toThrow(
      'process.user.additionalGids[1]: expected an id in 0..4294967294, got 2.5',
    );
    expect(program.ops).toHaveLength(0);
  });
});
