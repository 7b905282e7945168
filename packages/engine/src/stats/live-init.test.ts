import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ContainerStateFile, ZERO_TIME } from '../store/container-record.js';
import { liveInit } from './live-init.js';

const running = (pid: number, pidStart?: number): ContainerStateFile => ({
  status: 'running',
  pid,
  ...(pidStart === undefined ? {} : { pidStart }),
  exitCode: 0,
  oomKilled: false,
  error: '',
  startedAt: ZERO_TIME,
  finishedAt: ZERO_TIME,
  restartCount: 0,
});

describe('liveInit', () => {
  let proc: string;
  const stat = (pid: number, state: string, start: number) => {
    mkdirSync(join(proc, String(pid)), { recursive: true });
    // A command name with a space and a parenthesis, as /proc/PID/stat may hold.
    const rest = Array.from({ length: 50 }, (_, i) => (i === 19 ? String(start) : '0'));
    writeFileSync(join(proc, String(pid), 'stat'), `${pid} (sle) ep) ${state} ${rest.slice(1).join(' ')}`);
  };
  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'gc-proc-'));
  });
  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  it('is the pid while the recorded process runs', () => {
    stat(10, 'S', 12345);
    expect(liveInit(running(10, 12345), proc)).toBe(10);
    expect(liveInit(running(10), proc)).toBe(10);
  });

  it('is undefined for another process with the pid, a zombie, a gone pid, or a state not running', () => {
    stat(10, 'S', 999);
    stat(11, 'Z', 12345);
    expect(liveInit(running(10, 12345), proc)).toBeUndefined();
    expect(liveInit(running(11, 12345), proc)).toBeUndefined();
    expect(liveInit(running(12, 12345), proc)).toBeUndefined();
    expect(liveInit({ ...running(10, 999), status: 'exited' }, proc)).toBeUndefined();
    expect(liveInit(undefined, proc)).toBeUndefined();
  });
});
