import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerStatusError } from './errors.js';
import { createRuntime, type Runtime } from './runtime.js';
import type { Spec } from './spec.js';

/** A small OCI config: busybox, new namespaces, /proc and a /dev, runc's device rules added by create. */
function config(args: string[]): Spec {
  return {
    ociVersion: '1.2.0',
    process: { args, cwd: '/', env: ['PATH=/bin'], user: { uid: 0, gid: 0 } },
    root: { path: 'rootfs' },
    hostname: 'sandbox',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'mount' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network' }],
      resources: { devices: [{ allow: false, access: 'rwm' }], pids: { limit: 64 } },
    },
  };
}

describe.skipIf(!canRunIntegration())('createRuntime: the OCI runtime in-process', { timeout: 120_000 }, () => {
  let bundle: string;
  let root: string;
  let runtime: Runtime;

  beforeAll(() => {
    // The bundle: a directory holding rootfs/ (the config is passed in, not read).
    bundle = mkdtempSync(join(tmpdir(), 'gc-api-bundle-'));
    renameSync(createBusyboxRoot().path, join(bundle, 'rootfs'));
    root = mkdtempSync(join(tmpdir(), 'gc-api-root-'));
    runtime = createRuntime({ root });
  });
  afterAll(() => {
    rmSync(bundle, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('create, start, wait (the exit code), state, delete: nothing left', async () => {
    const created = await runtime.create('api-1', { bundle, config: config(['sh', '-c', 'exit 4']) });
    expect(created).toMatchObject({ id: 'api-1', status: 'created', bundle });
    expect(runtime.list().map((s) => s.id)).toEqual(['api-1']);
    await runtime.start('api-1');
    expect(await runtime.wait('api-1')).toEqual({ status: { code: 4 }, exitCode: 4 });
    expect(runtime.state('api-1').status).toBe('stopped');
    await runtime.delete('api-1');
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync('/sys/fs/cgroup/pids/gocontainer/api-1')).toBe(false);
  });

  it('exec into a running container, kill it, and a stopped one refuses exec with "container not running"', async () => {
    await runtime.create('api-2', { bundle, config: config(['sleep', '100']) });
    await runtime.start('api-2');
    const exec = await runtime.exec('api-2', { args: ['sh', '-c', 'test "$(hostname)" = sandbox'], cwd: '/' });
    expect((await exec.exited).exitCode).toBe(0);
    await runtime.pause('api-2');
    expect(runtime.state('api-2').status).toBe('paused');
    await runtime.resume('api-2');
    await runtime.update('api-2', { pids: { limit: 32 } });
    expect(runtime.stats('api-2').pids).toMatchObject({ limit: 32 });
    expect(runtime.processes('api-2')[0]).toBe(runtime.state('api-2').pid);
    await runtime.kill('api-2', 'SIGKILL');
    expect(await runtime.wait('api-2')).toMatchObject({ status: { signal: 'SIGKILL' } });
    await expect(runtime.exec('api-2', { args: ['true'], cwd: '/' })).rejects.toThrow(ContainerStatusError);
    await expect(runtime.exec('api-2', { args: ['true'], cwd: '/' })).rejects.toThrow('container not running');
    await runtime.delete('api-2');
  });

  it('50 containers at once from one process, all reaped with their codes, none left behind', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `api-many-${i}`);
    const codes = await Promise.all(
      ids.map(async (id, i) => {
        await runtime.create(id, { bundle, config: config(['sh', '-c', `exit ${i % 7}`]) });
        await runtime.start(id);
        const { exitCode } = await runtime.wait(id);
        await runtime.delete(id);
        return exitCode;
      }),
    );
    expect(codes).toEqual(ids.map((_, i) => i % 7));
    expect(readdirSync(root)).toEqual([]);
    expect(readdirSync('/sys/fs/cgroup/pids/gocontainer').filter((d) => d.startsWith('api-many-'))).toEqual([]);
  });
});
