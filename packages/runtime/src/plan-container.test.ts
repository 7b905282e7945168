import type { CompiledFilterSummary, FilterCache } from '@gc/seccomp';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { defaultConfinement, defaultFilesystem, newNamespaces } from './__fixtures__/confined-spec.js';
import { planContainer } from './plan-container.js';
import type { Spec } from './spec.js';

function spec(over: Partial<Spec['process']> = {}, linux: Spec['linux'] = {}): Spec {
  const fs = defaultFilesystem();
  return {
    process: { args: ['/bin/sh', '-c', 'true'], env: ['PATH=/bin'], cwd: '/', ...over },
    root: { path: '/' },
    hostname: 'web',
    mounts: fs.mounts,
    linux: {
      namespaces: newNamespaces(),
      maskedPaths: fs.maskedPaths,
      readonlyPaths: fs.readonlyPaths,
      ...linux,
    },
  };
}

const labels = (s: Spec, opts = {}) => planContainer(s, opts).program.ops.map((op) => op.label);
const indexOf = (list: string[], re: RegExp) => list.findIndex((l) => re.test(l));

describe('planContainer', () => {
  it('orders the steps as runc does, seccomp last before the exec when no_new_privs is on', () => {
    const sec = defaultConfinement();
    const ops = labels(
      spec(
        { capabilities: sec.capabilities, noNewPrivileges: true, user: { uid: 1000, gid: 1000 } },
        { seccomp: sec.seccomp },
      ),
    );
    const order = [
      /session keyring/,
      /mount proc on \/proc/,
      /pivot_root/,
      /set the hostname to web/,
      /bounding set/,
      /setresuid/,
      /capset/,
      /no_new_privs/,
      /load the seccomp filter/,
      /^exec \/bin\/sh$/,
    ].map((re) => indexOf(ops, re));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(ops.at(-1)).toBe('exec /bin/sh');
  });

  it('without no_new_privs loads the filter while still privileged, before the capability drop', () => {
    const sec = defaultConfinement();
    const ops = labels(spec({ capabilities: sec.capabilities, noNewPrivileges: false }, { seccomp: sec.seccomp }));
    expect(indexOf(ops, /load the seccomp filter/)).toBeLessThan(indexOf(ops, /bounding set/));
    expect(indexOf(ops, /no_new_privs/)).toBe(-1);
  });

  it('reuses a compiled seccomp filter from seccompCache, with the same program', () => {
    const sec = defaultConfinement();
    const s = spec({ capabilities: sec.capabilities, noNewPrivileges: true }, { seccomp: sec.seccomp });
    const entries = new Map<string, CompiledFilterSummary>();
    let hits = 0;
    const seccompCache: FilterCache = {
      get: (key) => {
        const value = entries.get(key);
        if (value) hits++;
        return value;
      },
      set: (key, value) => entries.set(key, value),
    };
    const uncached = planContainer(s).program.encode();
    expect(planContainer(s, { seccompCache }).program.encode()).toEqual(uncached);
    expect([entries.size, hits]).toEqual([1, 0]);
    expect(planContainer(s, { seccompCache }).program.encode()).toEqual(uncached);
    expect([entries.size, hits]).toEqual([1, 1]);
  });

  it('moves itself into each v1 hierarchy first, then unshares the cgroup namespace', () => {
    const cgroup = {
      selfMove: [
        { fd: 40, hierarchy: 'memory' },
        { fd: 41, hierarchy: 'cpu,cpuacct' },
      ],
    };
    const plan = planContainer(spec(), { cgroup });
    const ops = plan.program.ops;
    const labels = ops.map((op) => op.label);
    const memory = indexOf(labels, /move into the container cgroup \(memory\)/);
    const cpu = indexOf(labels, /move into the container cgroup \(cpu,cpuacct\)/);
    // Each tasks fd is handed over and written "0" (the child itself), then closed.
    const target = (source: number) => plan.program.fds.find((f) => f.source === source)?.target;
    expect(ops[memory]?.syscall).toBe('write');
    expect(ops[memory]?.args.slice(0, 1)).toEqual([target(40)]);
    expect(ops[memory]?.args[2]).toBe(1);
    expect(labels[memory + 1]).toBe('close the memory tasks file');
    expect(ops[cpu]?.args[0]).toBe(target(41));
    // Before the container's own setup, and the cgroup namespace right after.
    expect(memory).toBeLessThan(indexOf(labels, /session keyring/));
    expect(indexOf(labels, /unshare the cgroup namespace/)).toBe(cpu + 2);
    expect(plan.cloneFlags & 0x02000000n).toBe(0n); // no CLONE_NEWCGROUP at clone time
    // Without a cgroup to be placed in, the clone makes the cgroup namespace itself.
    expect(planContainer(spec()).cloneFlags & 0x02000000n).toBe(0x02000000n);
    // Placed by CLONE_INTO_CGROUP alone (cgroup v2): no moves, the namespace still after the clone.
    const v2 = planContainer(spec(), { cgroup: { selfMove: [] } });
    expect(v2.cloneFlags & 0x02000000n).toBe(0n);
    expect(v2.program.ops.map((op) => op.label)).toContain('unshare the cgroup namespace');
  });

  it('runs gc-init by fd, kept above the stdio and close-on-exec', () => {
    const plan = planContainer(spec(), { initFd: 42, stdio: [0, 1, 2] });
    expect(plan.program.fds).toContainEqual({ target: 3, source: 42 });
    const ops = plan.program.ops.map((op) => op.label);
    expect(ops.at(-1)).toBe('exec gc-init -- /bin/sh');
    expect(ops).toContain('mark the gc-init fd close-on-exec');
    expect(plan.execOp).toBe(ops.length - 1);
  });

  it('names the field of bad input', () => {
    expect(() => planContainer(spec({ args: [] }))).toThrow('process.args: expected a non-empty array of strings');
    expect(() => planContainer({ ...spec(), linux: { namespaces: [{ type: 'mount' }, { type: 'pid' }] } })).toThrow(
      'hostname: needs a new UTS namespace',
    );
  });

  it('runs symbolically on the FakeKernel to its exec', async () => {
    const kernel = new FakeKernel();
    const plan = planContainer(spec());
    const child = kernel.spawn(plan.program, { cloneFlags: plan.cloneFlags });
    await child.started;
    expect(kernel.lastRun?.exec?.argv).toEqual(['/bin/sh', '-c', 'true']);
  });
});
