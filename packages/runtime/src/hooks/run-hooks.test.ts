import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecError } from '../errors.js';
import type { OciState } from '../state/oci-state.js';
import { HookError } from './hook-error.js';
import { runHooks } from './run-hooks.js';

const dir = mkdtempSync(join(tmpdir(), 'gc-hooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const state: OciState = { ociVersion: '1.2.0', id: 'c1', status: 'creating', pid: 4242, bundle: '/b' };

/** An executable shell script in the temp dir. */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('runHooks', () => {
  it('gives each hook the state JSON on stdin, its args (argv[0] included) and exactly its env', async () => {
    const out = join(dir, 'record');
    const hook = script('record', `cat > ${out}.stdin; echo "$0|$*" > ${out}.args; env > ${out}.env`);
    await expect(
      runHooks('prestart', [{ path: hook, args: ['my-hook', 'a', 'b c'], env: ['FOO=bar'] }], state),
    ).resolves.toEqual([]);
    expect(JSON.parse(readFileSync(`${out}.stdin`, 'utf8'))).toEqual(state);
    expect(readFileSync(`${out}.args`, 'utf8')).toBe(`${hook}|a b c\n`);
    const env = readFileSync(`${out}.env`, 'utf8').trim().split('\n').sort();
    // sh adds PWD (and maybe SHLVL); nothing of the runtime's own environment leaks in.
    expect(env.filter((e) => !/^(PWD|SHLVL|_)=/.test(e))).toEqual(['FOO=bar']);
  });

  it('runs the hooks in order and stops at the first failure, with its exit status and output', async () => {
    const log = join(dir, 'order');
    const first = script('first', `echo first >> ${log}`);
    const failing = script('failing', `echo second >> ${log}; echo "no bridge br0" >&2; exit 1`);
    const never = script('never', `echo third >> ${log}`);
    const run = runHooks('createRuntime', [{ path: first }, { path: failing }, { path: never }], state);
    await expect(run).rejects.toThrow(HookError);
    await expect(run).rejects.toThrow(`error running createRuntime hook #1 (${failing}): exit status 1: no bridge br0`);
    expect(readFileSync(log, 'utf8')).toBe('first\nsecond\n');
  });

  it('kills a hook past its timeout and fails', async () => {
    const slow = script('slow', 'exec sleep 30');
    const started = Date.now();
    const error = await runHooks('prestart', [{ path: slow, timeout: 1 }], state).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(HookError.isInstance(error)).toBe(true);
    expect((error as HookError).failure).toEqual({ kind: 'timeout' });
    expect((error as Error).message).toBe(`error running prestart hook #0 (${slow}): killed after timeout of 1s`);
  });

  it('does not wait for a process the hook left behind holding its output', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const forks = script('forks', `sleep 30 & echo $! > ${pidFile}`);
    const started = Date.now();
    try {
      await expect(runHooks('prestart', [{ path: forks }], state)).resolves.toEqual([]);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    }
  });

  it('fails for a hook path that does not exist', async () => {
    const missing = join(dir, 'missing');
    await expect(runHooks('prestart', [{ path: missing }], state)).rejects.toThrow(
      `error running prestart hook #0 (${missing}): no such file or directory (ENOENT)`,
    );
  });

  it('only reports poststart and poststop failures, running every hook', async () => {
    const log = join(dir, 'post');
    const failing = script('post-failing', `echo a >> ${log}; exit 2`);
    const next = script('post-next', `echo b >> ${log}`);
    const warnings = await runHooks('poststop', [{ path: failing }, { path: next }], { ...state, status: 'stopped' });
    expect(warnings.map((w) => w.message)).toEqual([`error running poststop hook #0 (${failing}): exit status 2`]);
    expect(readFileSync(log, 'utf8')).toBe('a\nb\n');
  });

  it('names a signal that killed the hook, and keeps only the end of a long output', async () => {
    const noisy = script('noisy', 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; kill -TERM $$');
    const error = (await runHooks('prestart', [{ path: noisy }], state).catch((e: unknown) => e)) as HookError;
    expect(error.failure).toMatchObject({ kind: 'signaled', signal: 'SIGTERM' });
    expect(error.output.length).toBeLessThanOrEqual(4096 + 3);
    expect(error.output.endsWith('line 1999')).toBe(true);
    expect(error.message).toMatch(/^error running prestart hook #0 \(.*\): signal: SIGTERM: \.\.\.line /);
  });

  it('refuses a hook that is not valid before running any', async () => {
    const log = join(dir, 'invalid');
    const first = script('valid', `echo ran >> ${log}`);
    const run = runHooks('prestart', [{ path: first }, { path: first, timeout: 1.5 }], state);
    await expect(run).rejects.toThrow(SpecError);
    await expect(run).rejects.toThrow('hooks.prestart[1].timeout: expected whole seconds greater than 0, got 1.5');
    expect(() => readFileSync(log)).toThrow();
  });

  it('does nothing without hooks', async () => {
    await expect(runHooks('poststart', undefined, state)).resolves.toEqual([]);
  });
});
