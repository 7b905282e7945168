import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, F_SETFD, FD_CLOEXEC, O_CLOEXEC, Program } from '@gc/syscall';
import {
  CONTAINER_CLONE_FLAGS,
  canRunIntegration,
  createBusyboxRoot,
  drainPipe,
  planBusyboxRoot,
  startProgram,
} from '@gc/syscall/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { execHelperFd } from '../init-binary.js';
import type { Hook } from '../spec.js';
import type { OciState } from '../state/oci-state.js';
import { HookError } from './hook-error.js';
import { planContainerHooks } from './plan-container-hooks.js';

const CLONE_NEWNS = 0x20000;
const CLONE_NEWPID = 0x20000000;

describe.skipIf(!canRunIntegration())('planContainerHooks (integration, root)', () => {
  const kernel = createKernel();
  const dir = mkdtempSync(join(tmpdir(), 'gc-container-hooks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  /**
   * Spawn a program (as a container's init: new mount and PID namespaces)
   * that runs `hooks` as createContainer hooks, then execs `echo after`; the
   * state goes to the hooks after the spawn, with the child's pid, as
   * `create` does.
   */
  /** With `helper`, the program runs from the static gc-exec, as a created container's init does. */
  function spawn(program: Program, helper: boolean) {
    const cloneFlags = CLONE_NEWNS | CLONE_NEWPID;
    if (!helper) return startProgram(kernel, program, { cloneFlags });
    const [outR, outW] = kernel.pipe2(O_CLOEXEC);
    program.setFds([
      { target: 0, source: 0 },
      { target: 1, source: outW },
      { target: 2, source: 2 },
    ]);
    try {
      return { child: kernel.spawn(program, { cloneFlags }), stdout: drainPipe(outR) };
    } finally {
      kernel.close(outW);
    }
  }

  async function run(hooks: Hook[], opts: { helper?: boolean } = {}) {
    const program = new Program();
    if (opts.helper) {
      const p = program.scope('@gc/test');
      const exe = p.keepFd(execHelperFd(kernel));
      p.syscall('fcntl', [exe, F_SETFD, FD_CLOEXEC], 'mark the gc-exec fd close-on-exec');
      p.reexec(exe, 'go on in the static gc-exec');
    }
    const plan = planContainerHooks(program.scope('@gc/runtime'), 'createContainer', hooks, { kernel });
    program.scope('@gc/test').execvp('/bin/echo', ['echo', 'after'], [], 'exec echo');
    const started = Date.now();
    try {
      const { child, stdout } = spawn(program, opts.helper ?? false);
      const state: OciState = { ociVersion: '1.2.0', id: 'c1', status: 'creating', pid: child.pid, bundle: dir };
      plan.sendState(state);
      const [out, status, error] = await Promise.all([
        stdout,
        child.exited,
        child.started.then(
          () => undefined,
          (e: unknown) => plan.hookError(e) ?? e,
        ),
      ]);
      return { state, stdout: out, status, error, ms: Date.now() - started };
    } finally {
      plan.close();
    }
  }

  it('runs each hook with the state JSON on stdin, its output kept from the program, then goes on', async () => {
    const first = script('record', `cat > ${dir}/stdin; echo "$0 $1 FOO=$FOO pid=$$"; echo to-stderr >&2`);
    const second = script('second', `echo second >> ${dir}/order`);
    const r = await run([{ path: first, args: ['record', 'x'], env: ['FOO=bar'], timeout: 5 }, { path: second }]);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(readFileSync(join(dir, 'stdin'), 'utf8'))).toEqual(r.state);
    expect(readFileSync(join(dir, 'order'), 'utf8')).toBe('second\n');
    expect(r.stdout).toBe('after\n');
    expect(r.status).toEqual({ code: 0 });
  });

  it('fails the spawn with the hook exit status and output in a HookError', async () => {
    const failing = script('failing', 'cat > /dev/null; echo "cannot set up eth0" >&2; exit 1');
    const r = await run([{ path: failing }]);
    expect(HookError.isInstance(r.error)).toBe(true);
    expect((r.error as Error).message).toBe(
      `error running createContainer hook #0 (${failing}): exit status 1: cannot set up eth0`,
    );
    expect(r.stdout).toBe('');
    expect(r.status).toEqual({ code: 255 });
  });

  it('kills a hook past its timeout and fails', async () => {
    const slow = script('slow', 'echo waiting; sleep 30');
    const r = await run([{ path: slow, timeout: 1 }]);
    expect((r.error as Error).message).toBe(
      `error running createContainer hook #0 (${slow}): killed after timeout of 1s: waiting`,
    );
    expect(r.ms).toBeLessThan(5000);
  });

  it('runs a hook after pivot_root inside the container: its path, PID namespace and root are the container', async () => {
    const root = createBusyboxRoot();
    try {
      const program = new Program();
      planBusyboxRoot(program, { root: root.path });
      const script = 'cat > /tmp/state.json; echo $$ > /tmp/pid; env > /tmp/env';
      const plan = planContainerHooks(
        program.scope('@gc/runtime'),
        'startContainer',
        [{ path: '/bin/sh', args: ['sh', '-c', script], env: ['IN=container'] }],
        { kernel },
      );
      program.scope('@gc/test').execvp('/bin/echo', ['echo', 'after'], [], 'exec echo');
      try {
        const { child, stdout } = startProgram(kernel, program, { cloneFlags: CONTAINER_CLONE_FLAGS });
        const state: OciState = { ociVersion: '1.2.0', id: 'c2', status: 'created', pid: child.pid, bundle: dir };
        plan.sendState(state);
        const [out, error] = await Promise.all([stdout, child.started.catch((e: unknown) => plan.hookError(e) ?? e)]);
        expect(error).toBeUndefined();
        expect(out).toBe('after\n');
        expect(JSON.parse(readFileSync(join(root.path, 'tmp/state.json'), 'utf8'))).toEqual(state);
        // The first child of the container's init.
        expect(readFileSync(join(root.path, 'tmp/pid'), 'utf8')).toBe('2\n');
        expect(readFileSync(join(root.path, 'tmp/env'), 'utf8')).toContain('IN=container\n');
        await child.exited;
      } finally {
        plan.close();
      }
    } finally {
      root.remove();
    }
  });

  it('runs hooks the same from the static gc-exec (a created container init)', async () => {
    const ok = script('helper-ok', `cat > ${dir}/helper-stdin`);
    const failing = script('helper-failing', 'echo "from gc-exec" >&2; exit 7');
    const r = await run([{ path: ok }, { path: failing, timeout: 5 }], { helper: true });
    expect(JSON.parse(readFileSync(join(dir, 'helper-stdin'), 'utf8'))).toEqual(r.state);
    expect((r.error as Error).message).toBe(
      `error running createContainer hook #1 (${failing}): exit status 7: from gc-exec`,
    );
    expect(r.status).toEqual({ code: 255 });
  });

  it('fails for a hook path that does not exist', async () => {
    const missing = join(dir, 'missing');
    const r = await run([{ path: missing }]);
    expect((r.error as Error).message).toBe(
      `error running createContainer hook #0 (${missing}): no such file or directory (ENOENT)`,
    );
  });
});
