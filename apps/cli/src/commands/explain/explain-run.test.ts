import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunImage } from '@gc/engine';
import type { HostProbe, PathKind } from '@gc/rootfs';
import { type Explanation, formatExplanation } from '@gc/runtime';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../command-line.js';
import { RUN_OPTIONS, type RunFlags } from '../run/run-options.js';
import { explainRun } from './explain-run.js';

// Regenerate with UPDATE_GOLDEN=1 and commit the files: a change in them is a
// change of what `gocontainer run` executes (or of how explain prints it).
const dir = fileURLToPath(new URL('./__golden__/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): string {
  const path = `${dir}${name}`;
  if (update) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}: run the tests with UPDATE_GOLDEN=1`);
  return readFileSync(path, 'utf8');
}

const ID = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const TOP = '/var/lib/gocontainer/l/TOPLAYER';
const BASE = '/var/lib/gocontainer/l/BASELAYER';

/** busybox's files, in its one layer below an empty top layer. */
const LAYER_FILES: Record<string, PathKind> = Object.fromEntries(
  [
    ['', 'dir'],
    ['/bin', 'dir'],
    ['/bin/sh', 'file'],
    ['/bin/echo', 'file'],
    ['/dev', 'dir'],
    ['/etc', 'dir'],
    ['/etc/passwd', 'file'],
    ['/etc/group', 'file'],
    ['/home', 'dir'],
    ['/proc', 'dir'],
    ['/root', 'dir'],
    ['/sys', 'dir'],
    ['/tmp', 'dir'],
    ['/usr', 'dir'],
    ['/var', 'dir'],
  ].map(([path, kind]) => [`${BASE}${path}`, kind as PathKind]),
);

/** A fixed host: kernel 6.1, cgroup v2 only, Docker's masked kernel paths present, the image's layers. */
const host: HostProbe = {
  lstat: (path) => hostPaths()[path],
  stat: (path) => hostPaths()[path],
  readlink: () => undefined,
  owner: (path) => (LAYER_FILES[path] === undefined ? undefined : { mode: 0o755, uid: 0, gid: 0 }),
  cgroupLayout: () => ({ mode: 'unified' }),
  mountPointOf: () => '/',
  kernelRelease: () => '6.1.0-18-amd64',
};
const KERNEL_PATHS: Record<string, PathKind> = {
  '/proc/keys': 'file',
  '/proc/timer_list': 'file',
  '/proc/acpi': 'dir',
  '/sys/firmware': 'dir',
  '/proc/bus': 'dir',
  '/proc/fs': 'dir',
  '/proc/irq': 'dir',
  '/proc/sys': 'dir',
  '/proc/sysrq-trigger': 'file',
};

function hostPaths(): Record<string, PathKind> {
  return { ...LAYER_FILES, [TOP]: 'dir', ...KERNEL_PATHS };
}

const busybox: RunImage = {
  name: 'busybox',
  config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
  layers: [TOP, BASE],
  readFile: () => undefined,
};

/** `gocontainer explain run ARGV` on the fixed host, for the busybox image. */
function explain(argv: string[], tty = false): Explanation {
  const line = parseCommandLine('explain run', argv, RUN_OPTIONS);
  const flags = { ...line.flags, network: (line.flags.network as string | undefined) ?? 'none' } as RunFlags;
  const [, ...command] = line.rest;
  return explainRun({
    target: { image: busybox, command },
    flags,
    id: ID,
    mode: { tty, interactive: tty },
    runRoot: '/run/gocontainer',
    hidden: [],
    host: {
      host,
      cgroupLayout: { mode: 'v2', unified: '/sys/fs/cgroup', v1: {} },
      lastCap: 40,
      arch: 'x64',
    },
  });
}

describe('explain run (golden, from the real planner)', () => {
  const argv = ['--init', '--memory', '64m', '-e', 'GREETING=hello', 'busybox', 'echo', 'hello'];

  it('prints the program run would execute, as committed', () => {
    const text = formatExplanation(explain(argv), `gocontainer run ${argv.join(' ')}`);
    expect(text).toBe(golden('run-busybox.txt', text));
  });

  it('gives the same program as JSON, with each op its package, kind, label and arguments', () => {
    const json = `${JSON.stringify(explain(argv), null, 2)}\n`;
    expect(json).toBe(golden('run-busybox.json', json));
  });

  it('shows what run does, in the order it does it', () => {
    const { ops, cloneFlags, fds, intoCgroup, cgroup } = explain(argv);
    const labels = ops.map((op) => op.label);
    const at = (label: string) => labels.indexOf(label);
    expect(cloneFlags).toEqual(['CLONE_NEWNS', 'CLONE_NEWUTS', 'CLONE_NEWIPC', 'CLONE_NEWPID', 'CLONE_NEWNET']);
    expect(intoCgroup).toBe(true);
    expect(cgroup).toBe(`/gocontainer/${ID}`);
    // The overlay of the image's layers, the pivot, then the hostname, capabilities, seccomp and exec.
    const lower = ops.find((op) => op.label === 'set the lower layers of the root overlay');
    expect(lower?.args[3]).toBe(`"${TOP}:${BASE}"`);
    expect(at('pivot_root into the root')).toBeGreaterThan(0);
    expect(at('set the hostname to c0ffee00c0ff')).toBeGreaterThan(at('pivot_root into the root'));
    const seccomp = ops.findIndex((op) => op.package === '@gc/seccomp');
    expect(seccomp).toBeGreaterThan(ops.findIndex((op) => op.package === '@gc/capabilities'));
    const last = ops.at(-1);
    expect(last?.label).toBe('exec gc-init -- echo');
    expect(last?.args[2]).toBe('["gc-init", "--", "echo", "hello"]');
    expect(last?.args[3]).toContain('"GREETING=hello"');
    // gc-init reaches the child as a stand-in fd named for what it is.
    expect(fds.map((fd) => fd.source)).toContain('the gc-init binary (a sealed copy)');
  });

  it('with a terminal, plans the console: the pty made inside and its master sent on the console socket', () => {
    const e = explain(['busybox', 'sh'], true);
    expect(e.fds.map((fd) => fd.source)).toContain("the console socket (the pty's master goes back on it)");
    expect(e.ops.some((op) => op.syscall === 'sendmsg')).toBe(true);
  });
});
