import { ownerOf } from '@gc/runtime';
import { describe, expect, it } from 'vitest';
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
  const me = ownerOf(process.pid) as { pid: number; start: number };

  it('is the init while the recorded process runs', () => {
    expect(liveInit(running(me.pid, me.start))).toEqual(me);
    expect(liveInit(running(me.pid))).toEqual(me);
  });

  it('is undefined for another process with the pid, a gone pid, or a state not running', () => {
    expect(liveInit(running(me.pid, me.start + 1))).toBeUndefined();
    expect(liveInit(running(0x3fffffff, me.start))).toBeUndefined();
    expect(liveInit({ ...running(me.pid, me.start), status: 'exited' })).toBeUndefined();
    expect(liveInit({ ...running(me.pid, me.start), status: 'restarting' })).toBeUndefined();
    expect(liveInit(undefined)).toBeUndefined();
  });
});
