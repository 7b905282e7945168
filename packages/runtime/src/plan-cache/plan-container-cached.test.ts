import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostProbe, PathKind } from '@gc/rootfs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfinement, defaultFilesystem, newNamespaces } from '../__fixtures__/confined-spec.js';
import { type ContainerPlan, type PlanOptions, planContainer } from '../plan-container.js';
import type { Spec } from '../spec.js';
import { type CachedPlan, createFilePlanCache, type PlanCache } from './plan-cache.js';
import { planContainerCached } from './plan-container-cached.js';

const ROOT = '/srv/box';
const RUN = '/run/gocontainer';
const idOf = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const A = idOf(0xa1);
const B = idOf(0xb2);
const C = idOf(0xc3);

/** What `gocontainer run --rootfs /srv/box /bin/echo hi` gives the runtime for container `id`. */
function runSpec(id: string, over: { env?: string[]; hostname?: string } = {}): Spec {
  const fs = defaultFilesystem();
  const security = defaultConfinement();
  const hostname = over.hostname ?? id.slice(0, 12);
  return {
    ociVersion: '1.2.0',
    process: {
      args: ['/bin/echo', 'hi'],
      env: ['PATH=/usr/bin:/bin', `HOSTNAME=${hostname}`, ...(over.env ?? [])],
      cwd: '/',
      capabilities: security.capabilities,
      noNewPrivileges: true,
    },
    root: { path: ROOT, readonly: false },
    hostname,
    mounts: [
      ...fs.mounts,
      ...['hosts', 'hostname', 'resolv.conf'].map((name) => ({
        destination: `/etc/${name}`,
        type: 'bind',
        source: `${RUN}/${id}/${name}`,
        options: ['rbind', 'rprivate'],
      })),
    ],
    linux: {
      namespaces: newNamespaces(),
      maskedPaths: fs.maskedPaths,
      readonlyPaths: fs.readonlyPaths,
      seccomp: security.seccomp,
    },
  };
}

/** A host whose answers a test can change; it counts the questions. */
interface TestHost {
  files: Record<string, PathKind>;
  kernel: string;
  questions: number;
  readonly probe: HostProbe;
}

function fakeHost(files: Record<string, PathKind>, kernel = '6.1.0'): TestHost {
  const state = { files, kernel, questions: 0 };
  const ask = <T>(answer: T): T => {
    state.questions++;
    return answer;
  };
  const probe: HostProbe = {
    lstat: (path) => ask(state.files[path]),
    stat: (path) => ask(state.files[path]),
    readlink: () => ask(undefined),
    owner: (path) => ask(state.files[path] ? { mode: 0o755, uid: 0, gid: 0 } : undefined),
    cgroupLayout: () => ask({ mode: 'unified' }),
    mountPointOf: () => ask('/'),
    kernelRelease: () => ask(state.kernel),
  };
  return Object.assign(state, { probe });
}

function hostFiles(...ids: string[]): Record<string, PathKind> {
  const files: Record<string, PathKind> = {
    [ROOT]: 'dir',
    [`${ROOT}/proc`]: 'dir',
    [`${ROOT}/dev`]: 'dir',
    [`${ROOT}/sys`]: 'dir',
    [`${ROOT}/etc`]: 'dir',
    [`${ROOT}/etc/hosts`]: 'file',
    '/proc/keys': 'file',
    '/proc/acpi': 'dir',
    '/sys/firmware': 'dir',
  };
  for (const id of ids) for (const name of ['hosts', 'hostname', 'resolv.conf']) files[`${RUN}/${id}/${name}`] = 'file';
  return files;
}

function options(id: string, host: HostProbe, over: Partial<PlanOptions> = {}): PlanOptions {
  return { containerId: id, host, arch: 'x64', lastCap: 40, stdio: [0, 1, 2], ...over };
}

/** Everything of a plan that a start uses. */
function shape(plan: ContainerPlan) {
  return {
    blob: Buffer.from(plan.program.encode()).toString('hex'),
    described: plan.program.ops.map((op) => plan.program.describe(op.index)),
    fds: plan.program.fds,
    cloneFlags: plan.cloneFlags,
    forks: plan.namespaces.forks,
    execOp: plan.execOp,
    lookOp: plan.lookOp,
    command: plan.command,
  };
}

function mapCache(): PlanCache & { entries: Map<string, CachedPlan> } {
  const entries = new Map<string, CachedPlan>();
  return {
    entries,
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    delete: (key) => void entries.delete(key),
  };
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('planContainerCached', () => {
  it('a cached start gets exactly the program an uncached one plans: the same bytes, labels, fds and handshake', () => {
    const host = fakeHost(hostFiles(A, B));
    const cache = mapCache();
    const first = planContainerCached(runSpec(A), options(A, host.probe), cache);
    expect(first.fromCache).toBe(false);
    expect(shape(first)).toEqual(shape(planContainer(runSpec(A), options(A, host.probe))));
    expect(cache.entries.size).toBe(1);

    const second = planContainerCached(runSpec(B), options(B, host.probe), cache);
    expect(second.fromCache).toBe(true);
    expect(shape(second)).toEqual(shape(planContainer(runSpec(B), options(B, host.probe))));
    // B's own ID is in it (hostname, keyring, /etc files), and nothing of A's.
    const text = Buffer.from(second.program.encode()).toString('latin1');
    expect(text).toContain(B);
    expect(text).toContain(`HOSTNAME=${B.slice(0, 12)}`);
    expect(text).not.toContain(A.slice(0, 12));
  });

  it('asks the host again, and plans anew when an answer changed', () => {
    const host = fakeHost(hostFiles(A, B, C));
    const cache = mapCache();
    planContainerCached(runSpec(A), options(A, host.probe), cache);
    // The root lost its /etc/hosts: the bind target must now be made, which the old program does not do.
    delete host.files[`${ROOT}/etc/hosts`];
    const again = planContainerCached(runSpec(B), options(B, host.probe), cache);
    expect(again.fromCache).toBe(false);
    expect(shape(again)).toEqual(shape(planContainer(runSpec(B), options(B, host.probe))));
    // The kernel release (seccomp's minKernel, rootfs's mount API) is a host answer too.
    host.kernel = '5.15.0';
    const older = planContainerCached(runSpec(C), options(C, host.probe), cache);
    expect(older.fromCache).toBe(false);
    expect(shape(older)).toEqual(shape(planContainer(runSpec(C), options(C, host.probe))));
  });

  it.each<[string, (id: string, host: HostProbe) => [Spec, PlanOptions]]>([
    ['the spec (an env var)', (id, host) => [runSpec(id, { env: ['MODE=test'] }), options(id, host)]],
    ['the spec (a hostname)', (id, host) => [runSpec(id, { hostname: 'web' }), options(id, host)]],
    ['the stdio fds', (id, host) => [runSpec(id), options(id, host, { stdio: [0, 1, 7] })]],
    ['gc-init', (id, host) => [runSpec(id), options(id, host, { initFd: 9 })]],
    [
      'the cgroup placement',
      (id, host) => [runSpec(id), options(id, host, { cgroup: { selfMove: [{ fd: 8, hierarchy: 'memory' }] } })],
    ],
    ['the parent-death signal', (id, host) => [runSpec(id), options(id, host, { parentDeathSignal: false })]],
    ['the keyring', (id, host) => [runSpec(id), options(id, host, { noNewKeyring: true })]],
    ['the arch', (id, host) => [runSpec(id), options(id, host, { arch: 'arm64' })]],
    ['the last capability', (id, host) => [runSpec(id), options(id, host, { lastCap: 37 })]],
  ])('a change of %s is a miss, and its plan is the uncached one', (_, changed) => {
    const host = fakeHost(hostFiles(A, B));
    const cache = mapCache();
    planContainerCached(runSpec(A), options(A, host.probe), cache);
    const [spec, opts] = changed(B, host.probe);
    const plan = planContainerCached(spec, opts, cache);
    expect(plan.fromCache).toBe(false);
    expect(shape(plan)).toEqual(shape(planContainer(spec, opts)));
    // ... and is cached in turn, next to the first.
    expect(cache.entries.size).toBe(2);
  });

  it('never caches a spec that holds the text that stands for an ID', () => {
    const host = fakeHost(hostFiles(A));
    const cache = mapCache();
    const plan = planContainerCached(runSpec(A, { env: [`X={${'I'.repeat(62)}}`] }), options(A, host.probe), cache);
    expect(plan.fromCache).toBe(false);
    expect(cache.entries.size).toBe(0);
  });

  it('plans every time what reads the host beyond the probe, or holds callbacks', () => {
    const host = fakeHost(hostFiles(A));
    const cache = mapCache();
    const rlimits = {
      ...runSpec(A),
      process: { ...runSpec(A).process, rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }] },
    };
    expect(planContainerCached(rlimits, options(A, host.probe), cache).fromCache).toBe(false);
    const hooked = options(A, host.probe, { beforeExec: () => undefined });
    expect(planContainerCached(runSpec(A), hooked, cache).fromCache).toBe(false);
    expect(planContainerCached(runSpec(A), options('my-container', host.probe), cache).fromCache).toBe(false);
    expect(cache.entries.size).toBe(0);
  });

  it('keeps entries in files: another build (salt) misses, a corrupt entry misses and is planned again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-plan-cache-'));
    dirs.push(dir);
    const host = fakeHost(hostFiles(A, B, C));
    const cache = createFilePlanCache(join(dir, 'cache'), { salt: 'build-1' });
    planContainerCached(runSpec(A), options(A, host.probe), cache);
    const files = readdirSync(join(dir, 'cache'));
    expect(files).toHaveLength(1);
    expect(planContainerCached(runSpec(B), options(B, host.probe), cache).fromCache).toBe(true);

    const rebuilt = createFilePlanCache(join(dir, 'cache'), { salt: 'build-2' });
    expect(planContainerCached(runSpec(B), options(B, host.probe), rebuilt).fromCache).toBe(false);

    const file = join(dir, 'cache', files[0] as string);
    // One byte of the program changed (a flag, a path): a miss, never that program.
    const entry = readFileSync(file);
    const at = entry.length - 100;
    entry[at] = (entry[at] as number) ^ 1;
    writeFileSync(file, entry);
    expect(planContainerCached(runSpec(B), options(B, host.probe), cache).fromCache).toBe(false);
    writeFileSync(file, Buffer.from('GCPC not an entry'));
    const plan = planContainerCached(runSpec(C), options(C, host.probe), cache);
    expect(plan.fromCache).toBe(false);
    expect(shape(plan)).toEqual(shape(planContainer(runSpec(C), options(C, host.probe))));
  });

  it('a hit asks the host far fewer questions than planning does, and plans nothing', () => {
    const host = fakeHost(hostFiles(A, B));
    const cache = mapCache();
    planContainerCached(runSpec(A), options(A, host.probe), cache);
    host.questions = 0;
    planContainer(runSpec(B), options(B, host.probe));
    const planning = host.questions;
    host.questions = 0;
    expect(planContainerCached(runSpec(B), options(B, host.probe), cache).fromCache).toBe(true);
    expect(host.questions).toBeLessThan(planning);
  });
});

describe('createFilePlanCache', () => {
  it('keeps at most maxEntries entries: a new one removes the oldest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-plan-cache-'));
    dirs.push(dir);
    const cache = createFilePlanCache(join(dir, 'cache'), { salt: 's', maxEntries: 2 });
    const value = (n: number): CachedPlan => ({
      blob: new Uint8Array([n]),
      answers: [],
      cloneFlags: '0',
      execOp: n,
      lookOp: undefined,
      command: '/bin/true',
    });
    for (const n of [1, 2, 3]) {
      cache.set(`key ${n}`, value(n));
      // Written a minute apart, whatever the file system's clock resolution.
      const written = new Date(Date.now() - (4 - n) * 60_000);
      for (const name of readdirSync(join(dir, 'cache'))) {
        const file = join(dir, 'cache', name);
        if (statSync(file).mtimeMs > written.getTime()) utimesSync(file, written, written);
      }
    }
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(2);
    expect(cache.get('key 3')?.execOp).toBe(3);
    expect(cache.get('key 2')?.execOp).toBe(2);
    expect(cache.get('key 1')).toBeUndefined();
  });
});
