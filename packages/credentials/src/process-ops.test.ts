import { AT_FDCWD, O_CLOEXEC, O_WRONLY, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, Program } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import {
  KEY_SPEC_SESSION_KEYRING,
  KEYCTL_JOIN_SESSION_KEYRING,
  KEYCTL_SETPERM,
  planSessionKeyring,
} from './keyring.js';
import { planOomScoreAdj } from './oom-score-adj.js';
import { planDumpable, planNoNewPrivs, planParentDeathSignal } from './process-flags.js';

function run(program: Program, kernel = new FakeKernel()) {
  program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
  const child = kernel.spawn(program);
  return { child, ops: (kernel.lastRun?.ops ?? []).filter((o) => o.kind !== 'execvp') };
}

describe('process flags', () => {
  it('no_new_privs is prctl(PR_SET_NO_NEW_PRIVS, 1)', () => {
    const program = new Program();
    planNoNewPrivs(program);
    const { ops } = run(program);
    expect(ops.map((o) => [o.syscall, ...o.args, o.label])).toEqual([
      ['prctl', PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 'set no_new_privs (PR_SET_NO_NEW_PRIVS 1)'],
    ]);
  });

  it('dumpable is prctl(PR_SET_DUMPABLE, 0 or 1)', () => {
    const program = new Program();
    planDumpable(program, false);
    planDumpable(program, true);
    const { ops } = run(program);
    expect(ops.map((o) => [o.args[0], o.args[1], o.label])).toEqual([
      [PR_SET_DUMPABLE, 0, 'make the process not dumpable (PR_SET_DUMPABLE 0)'],
      [PR_SET_DUMPABLE, 1, 'make the process dumpable (PR_SET_DUMPABLE 1)'],
    ]);
  });
});

describe('planParentDeathSignal', () => {
  it('arms PR_SET_PDEATHSIG, then checks the parent lives: a zero-length send on the sync socket', () => {
    const program = new Program();
    planParentDeathSignal(program, 'SIGKILL');
    const { ops } = run(program);
    expect(ops.map((o) => [o.syscall, ...o.args.map(String), o.label])).toEqual([
      ['prctl', '1', '9', '0', '0', '0', 'die with the parent (PR_SET_PDEATHSIG SIGKILL)'],
      [
        'sendto',
        'SYNC_FD',
        '0',
        '0',
        String(0x40 | 0x4000), // MSG_DONTWAIT | MSG_NOSIGNAL
        '0',
        '0',
        'check the parent is still alive (zero-length send on the sync socket)',
      ],
    ]);
  });
});

describe('planOomScoreAdj', () => {
  it('opens /proc/self/oom_score_adj, writes the value, closes', () => {
    const program = new Program();
    planOomScoreAdj(program, -500);
    const kernel = new FakeKernel();
    kernel.onSyscall('openat', () => 9);
    const { ops } = run(program, kernel);
    expect(ops.map((o) => [o.syscall, o.args])).toEqual([
      ['openat', [AT_FDCWD, '/proc/self/oom_score_adj', O_WRONLY | O_CLOEXEC, 0]],
      ['write', [9, '-500', 4]],
      ['close', [9]],
    ]);
    expect(ops[1]?.label).toBe('write -500 to /proc/self/oom_score_adj');
  });

  it('names the field of a value out of range', () => {
    expect(() => planOomScoreAdj(new Program(), 1001)).toThrow(
      'process.oomScoreAdj: expected an integer in -1000..1000, got 1001',
    );
    expect(() => planOomScoreAdj(new Program(), 1.5, '--oom-score-adj')).toThrow(
      '--oom-score-adj: expected an integer',
    );
  });
});

describe('planSessionKeyring', () => {
  it('joins _ses.<id> and makes it searchable by its user, as runc does', async () => {
    const program = new Program();
    planSessionKeyring(program, { containerId: 'abc123' });
    const { child, ops } = run(program);
    await child.started;
    expect(ops.map((o) => [o.syscall, ...o.args])).toEqual([
      ['keyctl', KEYCTL_JOIN_SESSION_KEYRING, '_ses.abc123', 0, 0, 0],
      ['keyctl', KEYCTL_SETPERM, KEY_SPEC_SESSION_KEYRING, 0x3f1b0000, 0, 0],
    ]);
    expect(ops.map((o) => o.label)).toEqual([
      'join a new session keyring _ses.abc123',
      'make the session keyring searchable (perm 0x3f1b0000)',
    ]);
  });

  it('with a user namespace "other" may search it', () => {
    const program = new Program();
    planSessionKeyring(program, { containerId: 'x', userNamespace: true });
    expect(run(program).ops[1]?.args[2]).toBe(0x3f130008);
  });

  it('goes on without keys in the kernel (ENOSYS), fails on anything else', async () => {
    const program = new Program();
    planSessionKeyring(program, { containerId: 'x' });
    const kernel = new FakeKernel();
    kernel.fail({ syscall: 'keyctl', errno: 'ENOSYS' });
    await expect(run(program, kernel).child.started).resolves.toBeUndefined();

    const other = new Program();
    planSessionKeyring(other, { containerId: 'x' });
    const k2 = new FakeKernel();
    k2.fail({ syscall: 'keyctl', nth: 1, errno: 'EDQUOT' });
    await expect(run(other, k2).child.started).rejects.toThrow(
      'join a new session keyring _ses.x (credentials): EDQUOT',
    );
  });

  it('needs a container id', () => {
    expect(() => planSessionKeyring(new Program(), { containerId: '' })).toThrow(
      'session keyring: expected a non-empty container id',
    );
  });
});
