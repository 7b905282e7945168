import { Program, readArenaU64 } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { decodeFilter } from './bpf.js';
import { compileSeccomp } from './compile.js';
import { defaultProfile } from './default-profile.js';
import { summarizeFilter } from './filter-summary.js';
import { planSeccomp } from './plan.js';

describe('planSeccomp', () => {
  it('appends no_new_privs and the filter load, with sock_fprog pointing at the filter', () => {
    const program = new Program({ arch: 'x64' });
    const plan = planSeccomp(program, defaultProfile(), { noNewPrivs: true, kernelVersion: '6.1.0' });
    program.execvp('/bin/true', ['true'], [], 'exec true');
    const [prctl, load] = program.ops;
    expect(prctl).toMatchObject({ syscall: 'prctl', label: 'set no_new_privs', pkg: '@gc/seccomp' });
    expect(prctl?.args.slice(0, 2)).toEqual([38, 1]);
    expect(load).toMatchObject({ syscall: 'seccomp', pkg: '@gc/seccomp' });
    expect(load?.label).toMatch(/^load the seccomp filter \(\d+ instructions, default SCMP_ACT_ERRNO\(EPERM\)\)$/);
    expect(load?.args.slice(0, 2)).toEqual([1, 0]);
    expect(plan.listenerFd).toBeUndefined();
    expect(plan.load.index).toBe(1);

    // The struct: u16 len at 0, pointer at 8, and the pointer leads to the filter's bytes.
    const arena = program.arena;
    const fprog = arena.itemAt(Number(load?.encoded[2]?.value));
    expect(fprog?.kind).toBe('struct');
    const bytes = arena.bytesCopy();
    const view = new DataView(bytes.buffer);
    const at = fprog?.offset as number;
    expect(view.getUint16(at, true)).toBe(plan.filter.instructionCount);
    const ptr = Number(readArenaU64(bytes, at + 8));
    expect(bytes.subarray(ptr, ptr + plan.filter.bytes.length)).toEqual(plan.filter.bytes);
    const compiled = compileSeccomp(defaultProfile(), { arch: 'x64', kernelVersion: '6.1.0' });
    expect(decodeFilter(plan.filter.bytes)).toEqual(compiled.instructions);
    expect(plan.filter).toEqual(summarizeFilter(compiled));
    expect(plan.fromCache).toBe(false);
    expect(program.toString()).toContain('seccomp(');
  });

  it('exposes the listener fd when a rule notifies, and skips no_new_privs when not asked', () => {
    const program = new Program({ arch: 'arm64' });
    const plan = planSeccomp(
      program,
      { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdirat'], action: 'SCMP_ACT_NOTIFY' }] },
      { noNewPrivs: false },
    );
    expect(program.ops.map((op) => op.syscall)).toEqual(['seccomp']);
    expect(plan.listenerFd).toBe(plan.load);
    expect(program.ops[0]?.args[1]).toBe(8); // SECCOMP_FILTER_FLAG_NEW_LISTENER
  });

  it('runs on the FakeKernel', async () => {
    const program = new Program({ arch: 'x64' });
    planSeccomp(program, defaultProfile(), { noNewPrivs: true });
    program.execvp('/bin/true', ['true'], [], 'exec true');
    const kernel = new FakeKernel({ arch: 'x64' });
    const child = kernel.spawn(program);
    await child.started;
    expect(kernel.programRuns[0]?.ops.map((op) => op.syscall ?? op.kind)).toEqual(['prctl', 'seccomp', 'execvp']);
  });
});
