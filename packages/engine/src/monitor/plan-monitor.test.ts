import { describe, expect, it } from 'vitest';
import type { HostConfig } from '../store/container-record.js';
import { testContainer } from '../testing.js';
import { planMonitor } from './plan-monitor.js';
import { formatStartReport, parseMonitorReport } from './start-report.js';

const hostConfig = (over: Partial<HostConfig> = {}): HostConfig => ({ ...testContainer().hostConfig, ...over });

const ID = 'a'.repeat(64);
const command = ['/usr/bin/node', '/opt/gc/bin/gocontainer.cjs', '--root', '/run/x'];

describe('planMonitor', () => {
  it('puts the whole plan in argv: the directory, the log, then the gocontainer command line', () => {
    const plan = planMonitor({
      record: { id: ID, hostConfig: hostConfig(), config: { tty: false, openStdin: false } },
      dir: `/d/${ID}`,
      logPath: `/d/${ID}/${ID}-json.log`,
      command,
      reportFd: 3,
    });
    expect(plan.args).toEqual([
      '--dir',
      `/d/${ID}`,
      '--id',
      ID,
      '--log',
      `/d/${ID}/${ID}-json.log`,
      '--report-fd',
      '3',
      '--',
      ...command,
    ]);
  });

  it('passes the rotation, the restart policy and its count, and --rm', () => {
    const plan = planMonitor({
      record: {
        id: ID,
        hostConfig: hostConfig({
          restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
          logConfig: { type: 'json-file', maxSize: 10_000_000, maxFile: 3 },
        }),
        config: { tty: false, openStdin: false },
      },
      dir: '/d',
      logPath: '/d/l',
      command,
    });
    const args = plan.args.slice(0, plan.args.indexOf('--'));
    expect(args).toEqual([
      '--dir',
      '/d',
      '--id',
      ID,
      '--log',
      '/d/l',
      '--max-size',
      '10000000',
      '--max-file',
      '3',
      '--restart',
      'on-failure',
      '--max-retries',
      '3',
    ]);
    const always = planMonitor({
      record: {
        id: ID,
        hostConfig: hostConfig({ restartPolicy: { name: 'always', maximumRetryCount: 0 } }),
        config: { tty: false, openStdin: false },
      },
      dir: '/d',
      logPath: '/d/l',
      command,
    });
    expect(always.args).toContain('always');
    expect(always.args).not.toContain('--max-retries');
    const removed = planMonitor({
      record: { id: ID, hostConfig: hostConfig({ autoRemove: true }), config: { tty: true, openStdin: true } },
      dir: '/d',
      logPath: '/d/l',
      command,
    });
    const options = removed.args.slice(0, removed.args.indexOf('--'));
    expect(options.slice(-3)).toEqual(['--rm', '--tty', '--stdin']);
    expect(options).not.toContain('--wait-attach');
  });

  it('makes a foreground run wait for its attach client before the start', () => {
    const plan = planMonitor({
      record: { id: ID, hostConfig: hostConfig({}), config: { tty: false, openStdin: false } },
      dir: '/d',
      logPath: '/d/l',
      command,
      waitAttach: true,
    });
    expect(plan.args.slice(0, plan.args.indexOf('--'))).toContain('--wait-attach');
  });
});

describe('the start reports', () => {
  it("reads the monitor's word: started, an error with its code, or nothing", () => {
    expect(parseMonitorReport('started 4242\n')).toEqual({ pid: 4242 });
    expect(parseMonitorReport('error 127 no such file or directory: /bin/nosuch\n')).toEqual({
      exitCode: 127,
      error: 'no such file or directory: /bin/nosuch',
    });
    expect(parseMonitorReport('')).toEqual({
      exitCode: 125,
      error: 'the container monitor ended without starting the container',
    });
  });

  it('writes a starter report on one line', () => {
    expect(formatStartReport({ pid: 7 })).toBe('pid 7\n');
    expect(formatStartReport({ exitCode: 126, error: 'two\nlines' })).toBe('error 126 two lines\n');
  });
});
