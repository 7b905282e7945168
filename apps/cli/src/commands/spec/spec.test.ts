import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSpec } from '@gc/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gocontainer } from '../../test-support/gocontainer.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0;

interface Config {
  ociVersion: string;
  process: { args: string[] };
  mounts: { destination: string; type: string; source: string; options?: string[] }[];
  linux: {
    namespaces: { type: string }[];
    uidMappings?: unknown[];
    gidMappings?: unknown[];
    resources?: unknown;
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gc-spec-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const read = (bundle: string): Config => JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as Config;

describe('gocontainer spec (the built binary)', () => {
  it('writes a starter config.json into --bundle that the runtime takes', async () => {
    const r = await gocontainer(['spec', '--bundle', dir]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const config = read(dir);
    expect(config.ociVersion).toBe('1.2.0');
    expect(config.process.args).toEqual(['sh']);
    expect(config.linux.namespaces.map((n) => n.type)).toEqual(['pid', 'network', 'ipc', 'uts', 'mount']);
    expect(() => validateSpec(config)).not.toThrow();
  });

  it.skipIf(!hasRunc)("writes what runc's spec writes, at spec 1.2.0 (also with --rootless)", async () => {
    for (const flags of [[], ['--rootless']]) {
      const ours = join(dir, `ours${flags.length}`);
      const theirs = join(dir, `runc${flags.length}`);
      for (const d of [ours, theirs]) spawnSync('mkdir', [d]);
      expect((await gocontainer(['spec', '-b', ours, ...flags])).code).toBe(0);
      expect(spawnSync('runc', ['spec', '-b', theirs, ...flags]).status).toBe(0);
      const expected = readFileSync(join(theirs, 'config.json'), 'utf8').replace(
        /^\t"ociVersion": "[^"]*"/m,
        '\t"ociVersion": "1.2.0"',
      );
      expect(readFileSync(join(ours, 'config.json'), 'utf8')).toBe(expected);
    }
  });

  it('--rootless adds a user namespace mapping the caller to root, drops the network namespace and the cgroup resources', async () => {
    expect((await gocontainer(['spec', '--rootless', '--bundle', dir])).code).toBe(0);
    const config = read(dir);
    const types = config.linux.namespaces.map((n) => n.type);
    expect(types).toContain('user');
    expect(types).not.toContain('network');
    const uid = process.geteuid?.() ?? 0;
    const gid = process.getegid?.() ?? 0;
    expect(config.linux.uidMappings).toEqual([{ containerID: 0, hostID: uid, size: 1 }]);
    expect(config.linux.gidMappings).toEqual([{ containerID: 0, hostID: gid, size: 1 }]);
    expect(config.linux.resources).toBeUndefined();
    expect(config.mounts.find((m) => m.destination === '/sys')).toEqual({
      destination: '/sys',
      type: 'none',
      source: '/sys',
      options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
    });
    expect(config.mounts.flatMap((m) => m.options ?? []).filter((o) => /^[ug]id=/.test(o))).toEqual([]);
    expect(() => validateSpec(config)).not.toThrow();
  });

  it("refuses to overwrite a config.json (runc's message, exit 1) and leaves it as it was", async () => {
    writeFileSync(join(dir, 'config.json'), '{"mine": true}');
    const r = await gocontainer(['spec', '--bundle', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('gocontainer: File config.json exists. Remove it first\n');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"mine": true}');
  });

  it('a missing bundle directory or a bad flag is an error naming it, and writes nothing', async () => {
    const missing = join(dir, 'nope');
    const r = await gocontainer(['spec', '--bundle', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`gocontainer: spec: --bundle ${missing}: not a directory (ENOENT)\n`);
    const bad = await gocontainer(['spec', '--bundel', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--bundel'");
    expect(readdirSync(dir)).toEqual([]);
  });
});
