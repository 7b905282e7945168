import type { Process } from '@gc/runtime';
import { describe, expect, it } from 'vitest';
import { buildExecProcess, type ExecFlags, parsePreserveFds } from './options.js';

const base: Process = {
  args: ['sleep', '1000'],
  env: ['PATH=/bin', 'A=1'],
  cwd: '/srv',
  terminal: true,
  consoleSize: { height: 24, width: 80 },
  user: { uid: 7, gid: 8, additionalGids: [9] },
  capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] },
  noNewPrivileges: true,
};
const flags = (over: Partial<ExecFlags> = {}): ExecFlags => ({ env: [], additionalGids: [], cap: [], ...over });

describe('buildExecProcess', () => {
  it("starts from the container's process: its env, cwd, user, caps; the command's args; no terminal unless --tty", () => {
    expect(buildExecProcess(base, ['ps', 'aux'], flags())).toEqual({
      args: ['ps', 'aux'],
      env: ['PATH=/bin', 'A=1'],
      cwd: '/srv',
      terminal: false,
      user: { uid: 7, gid: 8, additionalGids: [9] },
      capabilities: base.capabilities,
      noNewPrivileges: true,
    });
    expect(buildExecProcess(base, ['sh'], flags({ tty: true })).terminal).toBe(true);
  });

  it('--cwd, --env (appended), --user UID[:GID], --additional-gids, --no-new-privs', () => {
    const p = buildExecProcess(
      { ...base, noNewPrivileges: false },
      ['id'],
      flags({ cwd: '/tmp', env: ['A=2', 'B=3'], user: '1000', additionalGids: ['5'], noNewPrivs: true }),
    );
    expect(p).toMatchObject({
      cwd: '/tmp',
      env: ['PATH=/bin', 'A=1', 'A=2', 'B=3'],
      user: { uid: 1000, gid: 8, additionalGids: [9, 5] },
      noNewPrivileges: true,
    });
    expect(buildExecProcess(base, ['id'], flags({ user: '1:2' })).user).toEqual({
      uid: 1,
      gid: 2,
      additionalGids: [9],
    });
  });

  it('--cap adds to every set (inheritable too, so the ambient raise works), names with or without CAP_', () => {
    const p = buildExecProcess(base, ['id'], flags({ cap: ['sys_admin', 'CAP_KILL'] }));
    expect(p.capabilities).toEqual({
      bounding: ['CAP_KILL', 'CAP_SYS_ADMIN'],
      effective: ['CAP_KILL', 'CAP_SYS_ADMIN'],
      permitted: ['CAP_KILL', 'CAP_SYS_ADMIN'],
      inheritable: ['CAP_SYS_ADMIN', 'CAP_KILL'],
      ambient: ['CAP_SYS_ADMIN', 'CAP_KILL'],
    });
  });

  it('names the flag and the value it refuses', () => {
    expect(() => buildExecProcess(base, [], flags())).toThrow('exec: process args cannot be empty');
    expect(() => buildExecProcess(base, ['id'], flags({ user: 'root' }))).toThrow(
      'exec: --user: parsing "root" as int for uid failed',
    );
    expect(() => buildExecProcess(base, ['id'], flags({ user: '1:x' }))).toThrow(
      'exec: --user: parsing "x" as int for gid failed',
    );
    expect(() => buildExecProcess(base, ['id'], flags({ additionalGids: ['-1'] }))).toThrow(
      'exec: --additional-gids: parsing "-1" as int for gid failed',
    );
    expect(() => buildExecProcess(base, ['id'], flags({ cwd: 'tmp' }))).toThrow(
      'exec: --cwd: expected an absolute path, got "tmp"',
    );
    expect(() => buildExecProcess(base, ['id'], flags({ env: ['=x'] }))).toThrow(
      'exec: --env: expected NAME=VALUE, got "=x"',
    );
    expect(() => parsePreserveFds('x')).toThrow(
      'exec: --preserve-fds: expected a number of fds from 0 to 1024, got "x"',
    );
    expect(parsePreserveFds(undefined)).toBe(0);
    expect(parsePreserveFds('2')).toBe(2);
  });
});
