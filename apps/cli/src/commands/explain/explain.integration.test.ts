import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BusyboxRoot, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';

describe('gocontainer explain run', { timeout: 60_000 }, () => {
  let root: BusyboxRoot;
  let work: string;
  beforeAll(() => {
    root = createBusyboxRoot();
    work = mkdtempSync(join(tmpdir(), 'gc-explain-'));
  });
  afterAll(() => {
    root?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const globals = () => ['--root', join(work, 'run'), '--data-root', join(work, 'data')];

  it('prints the program run would execute and makes nothing: no run directory, no cgroup', async () => {
    const r = await gocontainer([...globals(), 'explain', 'run', '--rootfs', root.path, '/bin/echo', 'hi']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing was run or made');
    expect(r.stdout).toMatch(/^@gc\/rootfs: /m);
    expect(r.stdout).toMatch(/pivot_root +pivot_root into the root$/m);
    expect(r.stdout).toMatch(/EXECVP +exec \/bin\/echo$/m);
    const id = /the cgroup \/gocontainer\/([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
    expect(id).toBeDefined();
    expect(existsSync(join(work, 'run'))).toBe(false);
    for (const hierarchy of readdirSync('/sys/fs/cgroup')) {
      expect(existsSync(join('/sys/fs/cgroup', hierarchy, 'gocontainer', id as string))).toBe(false);
    }
  });

  it('--format json: every op with its package, kind, label and arguments, the exec last', async () => {
    const r = await gocontainer([
      ...globals(),
      'explain',
      'run',
      '--format',
      'json',
      '--rootfs',
      root.path,
      '/bin/true',
    ]);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout) as { ops: { package: string; kind: string; label: string; args: string[] }[] };
    expect(e.ops.at(-1)).toMatchObject({ package: '@gc/runtime', kind: 'execvp', label: 'exec /bin/true' });
    expect(e.ops.at(-1)?.args[0]).toBe('"/bin/true"');
    // (@gc/cgroups plans ops on cgroup v1 only: on v2 the child is cloned into its cgroup.)
    expect([...new Set(e.ops.map((op) => op.package))]).toEqual(
      expect.arrayContaining([
        '@gc/runtime',
        '@gc/credentials',
        '@gc/rootfs',
        '@gc/namespaces',
        '@gc/capabilities',
        '@gc/seccomp',
      ]),
    );
  });

  it('an image that is not in the store is an error naming it, and nothing is pulled', async () => {
    const r = await gocontainer([...globals(), 'explain', 'run', 'no-such-image:1', 'sh']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('no such image: no-such-image:1');
    expect(r.stdout).toBe('');
    expect(existsSync(join(work, 'run'))).toBe(false);
  });

  it('refuses what it cannot explain, naming the argument', async () => {
    const format = await gocontainer([
      ...globals(),
      'explain',
      'run',
      '--format',
      'yaml',
      '--rootfs',
      root.path,
      '/bin/true',
    ]);
    expect(format.code).toBe(125);
    expect(format.stderr).toContain('--format: "yaml" is not a format (expected text or json)');
    const what = await gocontainer([...globals(), 'explain', 'ps']);
    expect(what.code).toBe(125);
    expect(what.stderr).toContain('explain: "ps" cannot be explained: only run');
    const bad = await gocontainer([
      ...globals(),
      'explain',
      'run',
      '--rootfs',
      root.path,
      '--memory',
      'lots',
      '/bin/true',
    ]);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toContain('--memory');
  });
});
