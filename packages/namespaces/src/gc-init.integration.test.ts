import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createKernel, Program } from '@gc/syscall';
import {
  BUSYBOX_ENV,
  type BusyboxRoot,
  canRunIntegration,
  createBusyboxRoot,
  planBusyboxRoot,
} from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planNamespaces } from './plan.js';
import { INIT_PATH, type Started, start } from './test-support/run.js';

const built = existsSync(INIT_PATH);

// gc-init on the host, no namespaces: exit codes and messages (no root needed).
describe.skipIf(process.platform !== 'linux' || !built)('gc-init (host)', () => {
  const run = (...args: string[]) => spawnSync(INIT_PATH, args, { encoding: 'utf8' });

  it('exits with the command exit code, or 128 + the signal that killed it', () => {
    expect(run('--', 'sh', '-c', 'exit 7').status).toBe(7);
    expect(run('sh', '-c', 'kill -9 $$').status).toBe(137);
  });

  it('127 for a missing command, 126 for one that cannot run, 2 without one', () => {
    const missing = run('--', 'gc-no-such-command');
    expect(missing.status).toBe(127);
    expect(missing.stderr).toBe('gc-init: exec gc-no-such-command: No such file or directory\n');
    expect(run('/etc/passwd').status).toBe(126);
    const none = run('--');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('usage: gc-init');
  });
});

describe.skipIf(!canRunIntegration() || !built)('gc-init as PID 1 of a pid namespace (integration, root)', () => {
  const kernel = createKernel();
  let root: BusyboxRoot;

  beforeAll(() => {
    root = createBusyboxRoot();
    mkdirSync(`${root.path}/sbin`);
    copyFileSync(INIT_PATH, `${root.path}/sbin/gc-init`);
  });
  afterAll(() => root.remove());

  async function startInit(script: string, onStdout?: (text: string) => void): Promise<Started> {
    const program = new Program();
    const plan = planNamespaces(program, { namespaces: [{ type: 'pid' }, { type: 'mount' }] });
    planBusyboxRoot(program, { root: root.path });
    program
      .scope('@gc/test')
      .execvp('/sbin/gc-init', ['gc-init', '--', 'sh', '-c', script], BUSYBOX_ENV, 'exec gc-init');
    return start(kernel, program, plan, onStdout);
  }

  async function runInit(script: string) {
    const c = await startInit(script);
    const [stdout, stderr, status] = await Promise.all([c.stdout, c.stderr, c.process.exited]);
    await c.stop();
    return { stdout, stderr, status };
  }

  it('reaps orphans: they reparent to it and leave no zombie', async () => {
    // Each subshell exits at once, so its sleep is orphaned to PID 1 and exits 0.2 s later.
    // (`; echo end` keeps sh from exec'ing ps in its place.)
    const { stdout, status } = await runInit(
      '(sleep 0.2 &); (sleep 0.2 &); sleep 1; ps -o pid,ppid,stat,comm; echo end',
    );
    expect(status).toEqual({ code: 0 });
    const rows = stdout
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((l) => l.trim().split(/\s+/));
    expect(rows.filter((r) => r[2]?.startsWith('Z'))).toEqual([]);
    expect(rows.map((r) => r[3]).sort()).toEqual(['gc-init', 'ps', 'sh']);
    expect(rows.find((r) => r[3] === 'gc-init')?.[0]).toBe('1');
  });

  it('forwards SIGTERM sent to PID 1 to the command', async () => {
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const c = await startInit('trap "echo got-TERM; exit 3" TERM; echo ready; while :; do sleep 0.05; done', (out) => {
      if (out.includes('ready\n')) ready();
    });
    try {
      await isReady;
      c.process.kill('SIGTERM');
      expect(await c.process.exited).toEqual({ code: 3 });
      expect(await c.stdout).toBe('ready\ngot-TERM\n');
    } finally {
      await c.stop();
    }
  });

  it('propagates the exit code, and 128 + n when the command dies of signal n', async () => {
    expect((await runInit('exit 7')).status).toEqual({ code: 7 });
    expect((await runInit('kill -KILL $$')).status).toEqual({ code: 137 });
    expect((await runInit('kill -USR1 $$')).status).toEqual({ code: 128 + 10 });
  });

  it('exits 127 with a message when the command is missing inside the root', async () => {
    const program = new Program();
    const plan = planNamespaces(program, { namespaces: [{ type: 'pid' }, { type: 'mount' }] });
    planBusyboxRoot(program, { root: root.path });
    program.scope('@gc/test').execvp('/sbin/gc-init', ['gc-init', 'no-such-cmd'], BUSYBOX_ENV, 'exec gc-init');
    const c = await start(kernel, program, plan);
    const [stderr, status] = await Promise.all([c.stderr, c.process.exited]);
    await c.stop();
    expect(status).toEqual({ code: 127 });
    expect(stderr).toBe('gc-init: exec no-such-cmd: No such file or directory\n');
  });
});
