import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { GOCONTAINER, gocontainer } from './test-support/gocontainer.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** A `node -r` hook that says on stderr every require of a package or file (not node:*) after the bin's own loader. */
function writeRequireHook(dir: string, extra = ''): string {
  const hook = join(dir, 'hook.cjs');
  writeFileSync(
    hook,
    `const M = require('node:module');
const req = M.prototype.require;
M.prototype.require = function (id) {
  if (!M.isBuiltin(id)) process.stderr.write('require ' + id + '\\n');
  return req.apply(this, arguments);
};
${extra}`,
  );
  return hook;
}

/** Also every native module loaded and bundle read. */
const EXTRA_HOOKS = `const fs = require('node:fs');
const dl = process.dlopen;
process.dlopen = function (m, f) { process.stderr.write('dlopen ' + f + '\\n'); return dl.apply(this, arguments); };
const read = fs.readFileSync;
fs.readFileSync = function (f) { if (/dist\\/[a-z]+\\.cjs$/.test(String(f))) process.stderr.write('bundle ' + f + '\\n'); return read.apply(this, arguments); };
`;

describe('gocontainer (the built binary)', () => {
  it("--version, -v and version print runc's three lines: version, the commit built from, the spec", async () => {
    for (const arg of ['--version', '-v', 'version']) {
      const r = await gocontainer([arg]);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe(`gocontainer version ${version}`);
      // dockerd reads this line: a full commit of this repository (or "unknown" outside git).
      expect(lines[1]).toMatch(/^commit: ([0-9a-f]{40}|unknown)$/);
      const commit = (lines[1] as string).slice('commit: '.length);
      if (commit !== 'unknown') {
        const r2 = spawnSync('git', ['cat-file', '-t', commit], { encoding: 'utf8' });
        expect(r2.stdout.trim()).toBe('commit');
      }
      expect(lines[2]).toBe('spec: 1.2.0');
      expect(lines[3]).toBe('');
    }
  });

  it('--version and features load no package from outside the bundle (no koffi, no @gc/native)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-require-'));
    try {
      const hook = writeRequireHook(dir);
      for (const args of [['--version'], ['features']]) {
        const r = spawnSync(process.execPath, ['-r', hook, GOCONTAINER, ...args], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        expect(r.stderr.split('\n').filter((l) => l.startsWith('require '))).toEqual(['require ./load-main.cjs']);
      }
      // The hook sees what run loads: on an empty root, it gets as far as the exec (127), with the kernel.
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      const run = spawnSync(
        process.execPath,
        ['-r', hook, GOCONTAINER, '--root', join(dir, 'run'), 'run', '--rootfs', empty, '/bin/true'],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toMatch(/^require .*native/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('start, state, kill and delete, global options first as engines give them, run from dist/lifecycle.cjs: no koffi for state, no planning code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-lifecycle-'));
    try {
      // Every bundle read, package required and native module loaded, too.
      const hook = writeRequireHook(dir, EXTRA_HOOKS);
      const log = join(dir, 'log');
      const argv = ['--root', dir, '--log', log, '--log-format', 'json', 'state', 'nope'];
      const r = spawnSync(process.execPath, ['-r', hook, GOCONTAINER, ...argv], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('container "nope" does not exist');
      const lines = r.stderr.split('\n').filter((l) => /^(require|dlopen|bundle) /.test(l));
      expect(lines).toEqual(['require ./load-main.cjs', expect.stringMatching(/^bundle .*\/dist\/lifecycle\.cjs$/)]);
      // What the bundle holds: its sources, from its source map.
      const map = JSON.parse(
        readFileSync(GOCONTAINER.replace(/bin\/gocontainer\.cjs$/, 'dist/lifecycle.cjs.map'), 'utf8'),
      ) as {
        sources: string[];
      };
      expect(map.sources.some((s) => s.endsWith('operations/start.ts'))).toBe(true);
      for (const planning of [
        'plan-container.ts',
        '/seccomp/',
        'config-schema',
        '/rootfs/',
        '/namespaces/',
        'validate-spec.ts',
      ]) {
        expect(map.sources.filter((s) => s.includes(planning))).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("create, as engines call it, runs from dist/create.cjs: none of Docker's commands, the images or the registry", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-create-bundle-'));
    try {
      const hook = writeRequireHook(dir, EXTRA_HOOKS);
      const argv = ['--root', join(dir, 'run'), 'create', '--bundle', join(dir, 'no-bundle'), 'c1'];
      const r = spawnSync(process.execPath, ['-r', hook, GOCONTAINER, ...argv], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('no-bundle');
      const bundles = r.stderr.split('\n').filter((l) => l.startsWith('bundle '));
      expect(bundles).toEqual([expect.stringMatching(/^bundle .*\/dist\/create\.cjs$/)]);
      const map = JSON.parse(
        readFileSync(GOCONTAINER.replace(/bin\/gocontainer\.cjs$/, 'dist/create.cjs.map'), 'utf8'),
      ) as { sources: string[] };
      expect(map.sources.some((s) => s.endsWith('operations/create.ts'))).toBe(true);
      for (const other of ['/image/src/', '/engine/src/store/', 'commands/run/', 'commands/container-ps/']) {
        expect(map.sources.filter((s) => s.includes(other))).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("kill and start as podman calls them stay in dist/lifecycle.cjs; Docker's kill of an engine container goes on to dist/main.cjs", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-choice-'));
    try {
      const hook = writeRequireHook(dir, EXTRA_HOOKS);
      const dataRoot = join(dir, 'data');
      const bundles = (argv: string[]) => {
        const r = spawnSync(process.execPath, ['-r', hook, GOCONTAINER, ...argv], { encoding: 'utf8' });
        return {
          r,
          read: r.stderr
            .split('\n')
            .filter((l) => l.startsWith('bundle '))
            .map((l) => l.replace(/^.*\//, '')),
        };
      };
      // No engine container at all: runc's kill, and its error, without the main bundle.
      const runc = bundles(['--data-root', dataRoot, 'kill', 'nope', '15']);
      expect(runc.r.stderr).toContain('container "nope" does not exist');
      expect(runc.read).toEqual(['lifecycle.cjs']);
      // An engine container: Docker's kill, from the main bundle, which says it does not run.
      const id = 'e'.repeat(64);
      mkdirSync(join(dataRoot, 'engine', 'containers', id), { recursive: true });
      writeFileSync(
        join(dataRoot, 'engine', 'containers', id, 'container.json'),
        JSON.stringify({
          id,
          name: 'web',
          created: '2026-12-01T19:20:00.000000000Z',
          image: '',
          path: 'sh',
          args: [],
          config: { labels: {} },
          hostConfig: {},
        }),
      );
      const docker = bundles(['--data-root', dataRoot, 'kill', 'web']);
      expect(docker.r.stderr).toContain('gocontainer: kill: container web is not running');
      expect(docker.r.status).toBe(1);
      expect(docker.read).toEqual(['lifecycle.cjs', 'main.cjs']);
      // --root, as containerd and dockerd give it: runc's at once, whatever the store holds.
      const rooted = bundles(['--root', join(dir, 'run'), '--data-root', dataRoot, 'kill', 'web', '9']);
      expect(rooted.r.stderr).toContain('container "web" does not exist');
      expect(rooted.read).toEqual(['lifecycle.cjs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help lists the commands and the global options', async () => {
    for (const arg of ['--help', '-h', 'help']) {
      const r = await gocontainer([arg]);
      expect(r.code).toBe(0);
      for (const command of ['run', 'features', 'spec', 'version', 'pause', 'resume', 'update', 'ps', 'list', 'events'])
        expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
      for (const flag of ['--root', '--log', '--log-format', '--debug', '--systemd-cgroup']) {
        expect(r.stdout).toMatch(new RegExp(`^  ${flag} `, 'm'));
      }
    }
  });

  it('--log-format json: a failing command appends a JSON error line to the --log file, and says it on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-log-'));
    try {
      const log = join(dir, 'log.json');
      writeFileSync(log, '{"level":"info","msg":"an earlier line","time":"2026-01-01T00:00:00Z"}\n');
      const r = await gocontainer(['--log', log, '--log-format', 'json', 'run', '--frobnicate', '/bin/true']);
      expect(r.code).toBe(125);
      expect(r.stderr).toBe("gocontainer: run: Unknown option '--frobnicate'\n");
      const lines = readFileSync(log, 'utf8').split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[2]).toBe('');
      const record = JSON.parse(lines[1] as string) as Record<string, string>;
      expect(Object.keys(record)).toEqual(['level', 'msg', 'time']);
      expect(record.level).toBe('error');
      expect(record.msg).toBe("run: Unknown option '--frobnicate'");
      expect(Math.abs(Date.parse(record.time as string) - Date.now())).toBeLessThan(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--log-format text (the default): the error line as logrus writes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-log-'));
    try {
      const log = join(dir, 'log');
      for (const format of [[], ['--log-format', 'text']]) {
        rmSync(log, { force: true });
        const r = await gocontainer(['--log', log, ...format, 'run', '--memory', 'lots', '/bin/true']);
        expect(r.code).toBe(125);
        const text = readFileSync(log, 'utf8');
        expect(text).toMatch(/^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" level=error msg="[^\n]*"\n$/);
        const msg = JSON.parse(/msg=(".*")$/m.exec(text)?.[1] as string) as string;
        expect(msg).toContain('--memory');
        expect(r.stderr).toBe(`gocontainer: ${msg}\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--debug writes debug lines to the log beside the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-log-'));
    try {
      const log = join(dir, 'log.json');
      const r = await gocontainer(['--debug', '--log', log, '--log-format=json', 'frobnicate']);
      expect(r.code).toBe(125);
      const records = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: string; msg: string });
      expect(records.map((x) => x.level)).toEqual(['debug', 'error']);
      expect(records[0]?.msg).toContain('frobnicate');
      expect(records[1]?.msg).toContain('"frobnicate" is not a gocontainer command');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad global option is refused naming it; --systemd-cgroup exits 1, as runc fails', async () => {
    const r = await gocontainer(['--systemd-cgroup', 'run', '/bin/true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('gocontainer: --systemd-cgroup: systemd cgroup management is not supported yet\n');
    const dir = mkdtempSync(join(tmpdir(), 'gc-log-'));
    try {
      const log = join(dir, 'log.json');
      const logged = await gocontainer(['--log', log, '--log-format', 'json', '--systemd-cgroup', 'create', 'id']);
      expect(logged.code).toBe(1);
      expect(JSON.parse(readFileSync(log, 'utf8'))).toMatchObject({
        level: 'error',
        msg: '--systemd-cgroup: systemd cgroup management is not supported yet',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = await gocontainer(['--log-format', 'yaml', 'run', '/bin/true']);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toBe('gocontainer: --log-format: expected text or json, got "yaml"\n');
  });

  it.skipIf(!canRunIntegration())('resolves packages again when a kept resolution is gone or unreadable', async () => {
    const kept = `${GOCONTAINER.replace(/bin\/gocontainer\.cjs$/, 'dist/run.cjs')}.resolved.json`;
    const root = createBusyboxRoot();
    try {
      for (const junk of ['{"@gc/native":"/nonexistent/native/index.cjs"}', '{"@gc/native":7}', 'not json']) {
        writeFileSync(kept, junk);
        // run loads @gc/native, for its addon and executor (--version does not).
        const r = await gocontainer(['run', '--rootfs', root.path, '/bin/true']);
        expect(r.code).toBe(0);
        const names = JSON.parse(readFileSync(kept, 'utf8')) as Record<string, string>;
        expect(names['@gc/native']).toMatch(/\/native\/index\.cjs$/);
        expect(readFileSync(names['@gc/native'] as string, 'utf8').length).toBeGreaterThan(0);
      }
    } finally {
      root.remove();
    }
  });

  it('keeps a code cache per kind of run: --rootfs, -d, --bundle and an image run each their own', () => {
    const require = createRequire(import.meta.url);
    const { runCacheKind } = require('../bin/load-main.cjs') as { runCacheKind(argv: string[]): string };
    expect(runCacheKind(['run', 'busybox', 'sh'])).toBe('run');
    expect(runCacheKind(['run', '-it', '--rm', 'busybox', 'sh'])).toBe('run');
    expect(runCacheKind(['--root', '/r', 'run', '--rootfs', '/root', '/bin/true'])).toBe('run-rootfs');
    expect(runCacheKind(['run', '-d', '--rootfs', '/root', '/bin/sleep', '9'])).toBe('run-detached');
    expect(runCacheKind(['run', '-dit', 'busybox'])).toBe('run-detached');
    expect(runCacheKind(['run', '--detach=true', 'busybox'])).toBe('run-detached');
    expect(runCacheKind(['run', '-d=1', 'busybox'])).toBe('run-detached');
    expect(runCacheKind(['run', '--detach=false', 'busybox'])).toBe('run');
    expect(runCacheKind(['--root', '/r', '--log', 'l', 'run', '--bundle', '/b', 'id'])).toBe('run-bundle');
    expect(runCacheKind(['run', '-b', '/b', 'id'])).toBe('run-bundle');
  });

  it.skipIf(!canRunIntegration())('run --rootfs reads and writes the run-rootfs code cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-cache-kind-'));
    const root = createBusyboxRoot();
    try {
      const hook = join(dir, 'hook.cjs');
      writeFileSync(
        hook,
        `const fs = require('node:fs');
const read = fs.readFileSync;
fs.readFileSync = function (f) { if (/\\.cache$/.test(String(f))) process.stderr.write('cache ' + f + '\\n'); return read.apply(this, arguments); };`,
      );
      const r = spawnSync(process.execPath, ['-r', hook, GOCONTAINER, 'run', '--rootfs', root.path, '/bin/true'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      const read = r.stderr.split('\n').filter((l) => l.startsWith('cache '));
      expect(read).toEqual([
        expect.stringMatching(new RegExp(`/dist/run\\.cjs\\.${process.version}\\.run-rootfs\\.cache$`)),
      ]);
    } finally {
      root.remove();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown command is a usage error naming it (125)', async () => {
    const r = await gocontainer(['frobnicate']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('"frobnicate" is not a gocontainer command');
  });
});
