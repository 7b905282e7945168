import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '@gc/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../store/container-record.js';
import { dockerExecProcess } from './exec-request.js';

const root = mkdtempSync(join(tmpdir(), 'gc-exec-request-'));
mkdirSync(join(root, 'etc'));
writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n');
writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1001:\nextra:x:2000:app\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const record = {
  id: 'a'.repeat(64),
  config: {
    hostname: 'web',
    env: ['PATH=/app/bin:/bin', 'MODE=prod'],
    workingDir: '/srv',
    user: '',
    tty: false,
    openStdin: false,
    labels: {},
  },
} as unknown as ContainerRecord;

const spec: Spec = {
  ociVersion: '1.0.2',
  root: { path: root },
  hostname: 'web',
  process: {
    args: ['/bin/sh'],
    cwd: '/srv',
    env: ['PATH=/app/bin:/bin', 'HOSTNAME=web', 'TERM=xterm-256color', 'MODE=prod'],
    user: { uid: 1000, gid: 1001, additionalGids: [1001] },
    capabilities: { bounding: ['CAP_CHOWN'], effective: ['CAP_CHOWN'], permitted: ['CAP_CHOWN'] },
    noNewPrivileges: true,
    rlimits: [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }],
  },
};

describe('dockerExecProcess', () => {
  it("takes the container's env, user, working directory and security when the flags say nothing", () => {
    const p = dockerExecProcess(record, spec, root, { args: ['ls', '-l'] });
    expect(p.args).toEqual(['ls', '-l']);
    expect(p.cwd).toBe('/srv');
    expect(p.user).toEqual({ uid: 1000, gid: 1001, additionalGids: [1001] });
    expect(p.env).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=web',
      'PATH=/app/bin:/bin',
      'MODE=prod',
    ]);
    expect(p.capabilities?.bounding).toEqual(['CAP_CHOWN']);
    expect(p.noNewPrivileges).toBe(true);
    expect(p.rlimits).toEqual(spec.process?.rlimits);
    expect(p.terminal).toBe(false);
  });

  it('-t sets TERM=xterm as Docker does; the run TERM is not inherited', () => {
    const p = dockerExecProcess(record, spec, root, { args: ['sh'], tty: true });
    expect(p.terminal).toBe(true);
    expect(p.env?.filter((e) => e.startsWith('TERM='))).toEqual(['TERM=xterm']);
  });

  it('-e adds and overrides (last wins at plan time); -e NAME takes the caller value, unset stays unset', () => {
    const p = dockerExecProcess(record, spec, root, {
      args: ['env'],
      env: ['MODE=dev', 'FROM_CALLER', 'NOT_SET'],
      callerEnv: { FROM_CALLER: 'yes' },
    });
    expect(p.env?.slice(-2)).toEqual(['MODE=dev', 'FROM_CALLER=yes']);
    expect(p.env?.some((e) => e.startsWith('NOT_SET'))).toBe(false);
  });

  it("-u resolves names in the container's /etc/passwd and /etc/group; -w replaces the directory", () => {
    const p = dockerExecProcess(record, spec, root, { args: ['id'], user: 'app', workdir: '/tmp' });
    expect(p.user).toEqual({ uid: 1000, gid: 1001, additionalGids: [1001, 2000] });
    expect(p.cwd).toBe('/tmp');
    expect(dockerExecProcess(record, spec, root, { args: ['id'], user: '0:0' }).user).toEqual({
      uid: 0,
      gid: 0,
      additionalGids: [0],
    });
  });

  it('refuses a missing command, an unknown user, a relative -w and a bad -e, naming the flag', () => {
    expect(() => dockerExecProcess(record, spec, root, { args: [] })).toThrow(/missing COMMAND/);
    expect(() => dockerExecProcess(record, spec, root, { args: ['id'], user: 'nobody' })).toThrow(
      /--user: no user "nobody" in \/etc\/passwd of the container/,
    );
    expect(() => dockerExecProcess(record, spec, root, { args: ['id'], workdir: 'tmp' })).toThrow(
      /--workdir: expected an absolute path/,
    );
    expect(() => dockerExecProcess(record, spec, root, { args: ['id'], env: ['=x'] })).toThrow(
      /--env: invalid environment variable "=x"/,
    );
  });
});
