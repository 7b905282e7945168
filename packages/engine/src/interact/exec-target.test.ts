import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerOf, type Spec } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupPathOf } from '../stats/proc-cgroup.js';
import { ZERO_TIME } from '../store/container-record.js';
import { createContainerStore } from '../store/container-store.js';
import { testContainer } from '../testing.js';
import { readContainerSpec, writeContainerSpec } from './container-spec.js';
import { prepareExec } from './exec-target.js';
import { runningInit } from './running-init.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store() {
  const dataRoot = mkdtempSync(join(tmpdir(), 'gc-exec-target-'));
  dirs.push(dataRoot);
  return createContainerStore({ dataRoot });
}

const startOf = (pid: number) => ownerOf(pid)?.start as number;

function newRecord(s: ReturnType<typeof store>) {
  return s.create(
    testContainer({ image: '', path: '/bin/sh', name: 'web', config: { ...testContainer().config, workingDir: '' } }),
  );
}

const running = (pid: number, pidStart?: number) => ({
  status: 'running' as const,
  pid,
  ...(pidStart === undefined ? {} : { pidStart }),
  exitCode: 0,
  oomKilled: false,
  error: '',
  startedAt: ZERO_TIME,
  finishedAt: ZERO_TIME,
  restartCount: 0,
});

describe('runningInit', () => {
  it('gives the init of a running container, checked by its start time, with its cgroup', () => {
    const s = store();
    const record = newRecord(s);
    const init = runningInit(record, running(process.pid, startOf(process.pid)));
    expect(init).toEqual({
      pid: process.pid,
      start: startOf(process.pid),
      cgroup: cgroupPathOf(readFileSync(`/proc/${process.pid}/cgroup`, 'utf8')),
    });
  });

  it("says Docker's words for a container that never ran, exited, or whose pid is another process now", () => {
    const s = store();
    const record = newRecord(s);
    const words = `container ${record.id} is not running`;
    expect(() => runningInit(record, undefined)).toThrow(words);
    expect(() => runningInit(record, { ...running(0), status: 'exited' })).toThrow(words);
    expect(() => runningInit(record, running(process.pid, startOf(process.pid) + 1))).toThrow(words);
    expect(() => runningInit(record, running(0x3fffffff))).toThrow(words);
  });
});

describe('prepareExec', () => {
  it('refuses a container without a recorded spec, and one that does not exist', () => {
    const s = store();
    const record = newRecord(s);
    s.writeState(record.id, running(process.pid, startOf(process.pid)));
    const kernel = createKernel();
    expect(() => prepareExec(s, kernel, 'web', { args: ['true'] })).toThrow(/has no recorded spec \(config\.json/);
    expect(() => prepareExec(s, kernel, 'nosuch', { args: ['true'] })).toThrow(/No such container: nosuch/);
  });

  it('gives runtime exec a context in which the container is running, its init and spec recorded', () => {
    const s = store();
    const record = newRecord(s);
    s.writeState(record.id, running(process.pid, startOf(process.pid)));
    const spec: Spec = {
      ociVersion: '1.0.2',
      root: { path: '/' },
      process: { args: ['sh'], cwd: '/', user: { uid: 0, gid: 0 } },
    };
    writeContainerSpec(s.dir(record.id), spec);
    expect(readContainerSpec(s.dir(record.id))).toEqual(spec);
    const target = prepareExec(s, createKernel(), record.id.slice(0, 5), { args: ['id'], workdir: '/tmp' });
    expect(target.id).toBe(record.id);
    expect(target.process.args).toEqual(['id']);
    expect(target.process.cwd).toBe('/tmp');
    const { record: oci, status } = target.ctx.store.load(record.id);
    expect(status).toBe('running');
    expect(oci.init).toEqual({ pid: process.pid, start: startOf(process.pid) });
    expect(oci.config).toEqual(spec);
    expect(() => target.ctx.store.state(record.id)).toThrow(/is an engine container, not one of the OCI runtime's/);
  });
});
