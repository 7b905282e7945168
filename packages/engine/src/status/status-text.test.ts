import { describe, expect, it } from 'vitest';
import type { ContainerStateFile } from '../store/container-record.js';
import { ZERO_TIME } from '../store/container-record.js';
import { liveState } from './live-state.js';
import { statusText } from './status-text.js';

const NOW = Date.parse('2026-12-01T19:30:00Z');
const file = (over: Partial<ContainerStateFile>): ContainerStateFile => ({
  status: 'running',
  pid: 100,
  pidStart: 7,
  monitorPid: 99,
  monitorStart: 6,
  exitCode: 0,
  oomKilled: false,
  error: '',
  startedAt: '2026-12-01T19:25:00.000000000Z',
  finishedAt: ZERO_TIME,
  restartCount: 0,
  ...over,
});
/** Processes that run: pid 100 started at 7, the monitor 99 started at 6. */
const alive =
  (...running: number[]) =>
  (pid: number, start: number | undefined) =>
    running.includes(pid) && start === (pid === 100 ? 7 : 6);

describe('the live status and its STATUS text', () => {
  it('created: no state file, or one the CLI wrote before the start', () => {
    expect(liveState(undefined).status).toBe('created');
    const s = liveState(file({ status: 'created', pid: 0, startedAt: ZERO_TIME }));
    expect([s.status, s.running, statusText(s, NOW)]).toEqual(['created', false, 'Created']);
  });

  it('running: Up for as long as it has run; paused by the freezer', () => {
    const up = liveState(file({}), { alive: alive(100, 99) });
    expect([up.status, up.pid, statusText(up, NOW)]).toEqual(['running', 100, 'Up 5 minutes']);
    const paused = liveState(file({}), { alive: alive(100, 99), frozen: () => true });
    expect([paused.status, paused.running, paused.paused]).toEqual(['paused', true, true]);
    expect(statusText(paused, NOW)).toBe('Up 5 minutes (Paused)');
    expect(statusText(liveState(file({ startedAt: '2026-12-01T19:29:57Z' }), { alive: alive(100) }), NOW)).toBe(
      'Up 3 seconds',
    );
  });

  it('exited: the code and how long ago, as the monitor recorded it', () => {
    const s = liveState(file({ status: 'exited', pid: 0, exitCode: 3, finishedAt: '2026-12-01T19:29:57Z' }), {
      alive: alive(),
    });
    expect([s.status, s.exitCode, statusText(s, NOW)]).toEqual(['exited', 3, 'Exited (3) 3 seconds ago']);
    const hour = liveState(file({ status: 'exited', exitCode: 0, finishedAt: '2026-12-01T18:30:00Z' }));
    expect(statusText(hour, NOW)).toBe('Exited (0) About an hour ago');
  });

  it('a killed monitor: the init gone too shows exited with -1; the init alive still runs', () => {
    const lost = liveState(file({}), { alive: alive() });
    expect([lost.status, lost.running, lost.exitCode, lost.pid]).toEqual(['exited', false, -1, 0]);
    expect(statusText(lost, NOW)).toBe('Exited (-1)');
    // A pid reused by another process (another start time) is not the init.
    const reused = liveState(file({}), { alive: (pid, start) => pid === 100 && start === 8 });
    expect(reused.status).toBe('exited');
    const orphan = liveState(file({}), { alive: alive(100) });
    expect([orphan.status, orphan.monitored]).toEqual(['running', false]);
  });

  it('restarting while the monitor waits to start it again; exited once the monitor is gone', () => {
    const f = file({ status: 'restarting', pid: 0, exitCode: 1, finishedAt: '2026-12-01T19:29:58Z', restartCount: 2 });
    const s = liveState(f, { alive: alive(99) });
    expect([s.status, s.restarting, s.restartCount, statusText(s, NOW)]).toEqual([
      'restarting',
      true,
      2,
      'Restarting (1) 2 seconds ago',
    ]);
    expect(liveState(f, { alive: alive() }).status).toBe('exited');
  });

  it('a start that failed shows Created, with its error', () => {
    const s = liveState(file({ status: 'exited', pid: 0, exitCode: 127, startedAt: ZERO_TIME, error: 'not found' }));
    expect([s.status, s.error, statusText(s, NOW)]).toEqual(['exited', 'not found', 'Created']);
  });
});
