import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKernel } from '@gc/syscall/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentOwner, type ProcessOwner } from '../process-owner.js';
import type { Spec } from '../spec.js';
import { createStateStore } from '../state/store.js';
import type { RuntimeContext } from './context.js';
import { execProcess } from './exec.js';

const config: Spec = {
  process: { args: ['/bin/sh'], cwd: '/' },
  root: { path: '/bundle/rootfs' },
  linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }] },
};
const cat = { args: ['cat', '/etc/hostname'], env: ['PATH=/bin'], cwd: '/' };

describe('execProcess', () => {
  let root: string;
  let kernel: FakeKernel;
  let ctx: RuntimeContext;

  /** A container of the store whose init is `init` (this test process by default: it runs). */
  async function record(id: string, init: ProcessOwner = currentOwner(), status: 'running' | 'created' = 'running') {
    await ctx.store.create(id, {
      bundle: '/bundle',
      rootfs: '/bundle/rootfs',
      annotations: {},
      status: 'creating',
      created: new Date().toISOString(),
      owner: 0,
    });
    await ctx.store.update(id, (r) => ({ ...r, status, init, config }));
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gc-exec-'));
    kernel = new FakeKernel();
    ctx = { kernel, store: createStateStore({ kernel, root }) };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('joins the init by a pidfd of its pid, and returns the forked process, watched to its exit code', async () => {
    await record('c1');
    kernel.exitWith(3);
    const exec = await execProcess(ctx, 'c1', cat);
    expect(kernel.callsOf('pidfdOpen')).toEqual([{ pid: process.pid, flags: 0 }]);
    const [forked] = kernel.callsOf('attach');
    expect(exec.pid).toBe(forked?.pid);
    // Not the spawned child, which exits at the FORK.
    expect(exec.pid).not.toBe(kernel.calls.find((c) => c.call === 'spawn')?.result);
    await expect(exec.exited).resolves.toEqual({ status: { code: 3 }, exitCode: 3 });
    // The pidfd was the child's to keep: closed here once spawned.
    const pidfd = kernel.calls.find((c) => c.call === 'pidfdOpen')?.result as number;
    expect(kernel.openFds.has(pidfd)).toBe(false);
  });

  it('detached: nobody here watches the process; its pid goes to the pid file', async () => {
    await record('c1', currentOwner(), 'created');
    const pidFile = join(root, 'exec.pid');
    const exec = await execProcess(ctx, 'c1', cat, { detach: true, pidFile });
    expect(kernel.callsOf('attach')).toEqual([]);
    expect(readFileSync(pidFile, 'utf8')).toBe(String(exec.pid));
    expect(exec).toEqual({ pid: exec.pid });
  });

  it("a command not found: runc's text, exit code 127, and the forked process reaped", async () => {
    await record('c1');
    kernel.fail({ syscall: 'execvp', errno: 'ENOENT' });
    const failed = execProcess(ctx, 'c1', { ...cat, args: ['nope'] });
    await expect(failed).rejects.toThrow('exec: "nope": executable file not found in $PATH');
    await expect(failed).rejects.toMatchObject({ exitCode: 127 });
    expect(kernel.callsOf('attach')).toHaveLength(1);
    expect(kernel.callsOf('kill').length).toBeGreaterThan(0);
  });

  it('a setup step that fails names it, with exit code 125', async () => {
    await record('c1');
    kernel.fail({ syscall: 'chdir', errno: 'ENOENT' });
    const failed = execProcess(ctx, 'c1', { ...cat, cwd: '/nope' });
    await expect(failed).rejects.toThrow(
      'change to the working directory /nope (runtime): ENOENT (No such file or directory)',
    );
    await expect(failed).rejects.toMatchObject({ exitCode: 125 });
  });

  it('a process that cannot be planned: the error names the field, the pidfd is closed, nothing is spawned', async () => {
    await record('c1');
    await expect(execProcess(ctx, 'c1', { ...cat, terminal: true })).rejects.toThrow(
      'process.terminal: needs a console socket to send the pty master on (--console-socket)',
    );
    expect(kernel.callsOf('spawn')).toEqual([]);
    expect(kernel.callsOf('pidfdOpen')).toHaveLength(1);
    expect([...kernel.openFds]).toEqual([]);
  });

  it('refuses a stopped container, a missing one, and an init whose pid another process has now', async () => {
    await record('dead', { pid: 2 ** 22 + 1, start: 1 });
    await expect(execProcess(ctx, 'dead', cat)).rejects.toThrow(
      'cannot exec container "dead": container not running (it is stopped)',
    );
    await expect(execProcess(ctx, 'missing', cat)).rejects.toThrow('container "missing" does not exist');
    await record('reused', { pid: process.pid, start: currentOwner().start + 1 });
    await expect(execProcess(ctx, 'reused', cat)).rejects.toThrow('container not running');
    expect(kernel.callsOf('spawn')).toEqual([]);
  });
});
