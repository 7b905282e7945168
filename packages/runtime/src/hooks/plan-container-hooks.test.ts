import { Program, RunError } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import type { OciState } from '../state/oci-state.js';
import { HookError } from './hook-error.js';
import { planContainerHooks } from './plan-container-hooks.js';

const state: OciState = { ociVersion: '1.2.0', id: 'c1', status: 'created', pid: 4242, bundle: '/b' };

function setup() {
  const kernel = new FakeKernel({ arch: 'x64' });
  const program = new Program({ arch: 'x64' });
  const plan = planContainerHooks(
    program.scope('@gc/runtime'),
    'createContainer',
    [{ path: '/usr/bin/hook', args: ['hook', '--net'], env: ['A=1'], timeout: 2 }, { path: '/usr/bin/other' }],
    { kernel },
  );
  program.scope('@gc/test').execvp('/bin/true', ['true'], [], 'exec true');
  return { kernel, program, plan };
}

describe('planContainerHooks', () => {
  it('appends a RUN op per hook, with its stdin pipe and output kept for the child, then closes them', () => {
    const { program, plan } = setup();
    expect(program.toString()).toBe(
      [
        '# x64 program, 7 ops, child fds 0<-0 1<-1 2<-2 3<-100 4<-102 5<-103 6<-105',
        ' 0  run("/usr/bin/hook", ["hook", "--net"], ["A=1"], 3, 4, 2000)   run createContainer hook #0 (/usr/bin/hook)  [@gc/runtime]',
        ' 1  close(3)                                                       close the stdin of createContainer hook #0 (/usr/bin/hook)  [@gc/runtime]',
        ' 2  close(4)                                                       close the output of createContainer hook #0 (/usr/bin/hook)  [@gc/runtime]',
        ' 3  run("/usr/bin/other", ["/usr/bin/other"], [], 5, 6, 0)         run createContainer hook #1 (/usr/bin/other)  [@gc/runtime]',
        ' 4  close(5)                                                       close the stdin of createContainer hook #1 (/usr/bin/other)  [@gc/runtime]',
        ' 5  close(6)                                                       close the output of createContainer hook #1 (/usr/bin/other)  [@gc/runtime]',
        ' 6  execvp("/bin/true", ["true"], [], NULL)                        exec true  [@gc/test]',
      ].join('\n'),
    );
    expect(plan.ops).toEqual([0, 3]);
  });

  it('writes the state JSON into each stdin pipe after the spawn, and closes every fd of the runtime', async () => {
    const { kernel, program, plan } = setup();
    const child = kernel.spawn(program);
    plan.sendState(state);
    plan.close();
    plan.close();
    await child.started;
    const writes = kernel.calls.flatMap((c) => (c.call === 'write' ? [c.args] : []));
    expect(writes.map((w) => [w.fd, JSON.parse(Buffer.from(w.data).toString())])).toEqual([
      [101, state],
      [104, state],
    ]);
    const closed = kernel.calls.flatMap((c) => (c.call === 'close' ? [c.args.fd] : []));
    expect(closed.sort()).toEqual([100, 101, 102, 103, 104, 105]);
    expect(kernel.lastRun?.ops.filter((op) => op.kind === 'run').map((op) => op.args[0])).toEqual([
      '/usr/bin/hook',
      '/usr/bin/other',
    ]);
  });

  it('turns the failure of a hook op into a HookError naming the kind, index and path', async () => {
    const { kernel, program, plan } = setup();
    kernel.onSyscall('run', (call) => {
      if (call.args[0] === '/usr/bin/other') throw new RunError({ label: call.label ?? 'run', word: 0x10000 | 3 });
      return 0;
    });
    const child = kernel.spawn(program);
    plan.sendState(state);
    const error = await child.started.catch((e: unknown) => e);
    const hookError = plan.hookError(error);
    plan.close();
    expect(HookError.isInstance(hookError)).toBe(true);
    expect(hookError?.message).toBe('error running createContainer hook #1 (/usr/bin/other): exit status 3');
    expect(hookError?.cause).toBe(error);
    expect(plan.hookError(new Error('not a hook'))).toBeUndefined();
  });

  it('says the timeout of a hook killed after it', async () => {
    const { kernel, program, plan } = setup();
    kernel.onSyscall('run', (call) => {
      throw new RunError({ label: call.label ?? 'run', word: 0x30000 });
    });
    const error = await kernel.spawn(program).started.catch((e: unknown) => e);
    expect(plan.hookError(error)?.message).toBe(
      'error running createContainer hook #0 (/usr/bin/hook): killed after timeout of 2s',
    );
    plan.close();
  });

  it('refuses a hook with a relative path before opening anything', () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const program = new Program({ arch: 'x64' });
    expect(() =>
      planContainerHooks(program, 'startContainer', [{ path: '/ok' }, { path: 'hook' }], { kernel }),
    ).toThrow(new SpecError('hooks.startContainer[1].path', 'expected an absolute path, got "hook"'));
    expect(kernel.calls).toEqual([]);
    expect(program.ops).toEqual([]);
  });

  it('plans nothing without hooks', () => {
    const kernel = new FakeKernel({ arch: 'x64' });
    const program = new Program({ arch: 'x64' });
    const plan = planContainerHooks(program, 'startContainer', undefined, { kernel });
    plan.sendState(state);
    plan.close();
    expect(plan.ops).toEqual([]);
    expect(program.ops).toEqual([]);
    expect(kernel.calls).toEqual([]);
  });
});
