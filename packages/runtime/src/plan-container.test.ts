import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { dockerFilesystem, dockerNamespaces } from './docker-defaults.js';
import { dockerSecurity } from './docker-security.js';
import { planContainer } from './plan-container.js';
import type { Spec } from './spec.js';

function spec(over: Partial<Spec['process']> = {}, linux: Spec['linux'] = {}): Spec {
  const fs = dockerFilesystem();
  return {
    process: { args: ['/bin/sh', '-c', 'true'], env: ['PATH=/bin'], cwd: '/', ...over },
    root: { path: '/' },
    hostname: 'web',
    mounts: fs.mounts,
    linux: {
      namespaces: dockerNamespaces('none'),
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
    const sec = dockerSecurity({});
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
    const sec = dockerSecurity({ securityOpt: ['no-new-privileges=false'] });
    const ops = labels(spec({ capabilities: sec.capabilities, noNewPrivileges: false }, { seccomp: sec.seccomp }));
    expect(indexOf(ops, /load the seccomp filter/)).toBeLessThan(indexOf(ops, /bounding set/));
    expect(indexOf(ops, /no_new_privs/)).toBe(-1);
  });

  it('waits to be placed in its cgroup, then unshares the cgroup namespace', () => {
    const plan = planContainer(spec(), { joinCgroup: true });
    const ops = plan.program.ops.map((op) => op.label);
    const wait = indexOf(ops, /wait to be placed in the container cgroup/);
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(indexOf(ops, /unshare the cgroup namespace/)).toBe(wait + 1);
    expect(plan.cloneFlags & 0x02000000n).toBe(0n); // no CLONE_NEWCGROUP at clone time
    // Without a cgroup to join, the clone makes the cgroup namespace itself.
    expect(planContainer(spec()).cloneFlags & 0x02000000n).toBe(0x02000000n);
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
