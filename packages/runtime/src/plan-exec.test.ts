import { CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS, PR_SET_DUMPABLE } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { describe, expect, it } from 'vitest';
import { defaultConfinement, newNamespaces } from './__fixtures__/confined-spec.js';
import { planExec } from './plan-exec.js';
import type { Process, Spec } from './spec.js';

const INIT_PIDFD = 40;

function container(over: Partial<Spec['process']> = {}, linux: Spec['linux'] = {}): Spec {
  return {
    process: { args: ['/bin/sh'], env: ['PATH=/bin'], cwd: '/', ...over },
    root: { path: '/bundle/rootfs' },
    linux: { namespaces: newNamespaces(), ...linux },
  };
}

const proc = (over: Partial<Process> = {}): Process => ({
  args: ['cat', '/proc/self/status'],
  env: ['PATH=/bin', 'A=1'],
  cwd: '/tmp',
  ...over,
});

const plan = (config: Spec, p: Process, opts = {}) =>
  planExec(config, p, { containerId: 'c1', initPidfd: INIT_PIDFD, ...opts });
const labels = (config: Spec, p: Process, opts = {}) => plan(config, p, opts).program.ops.map((op) => op.label);
const indexOf = (list: string[], re: RegExp) => list.findIndex((l) => re.test(l));

describe('planExec', () => {
  it("joins the init's namespaces with one setns by pidfd, forks, and applies the process in runc's order", () => {
    const sec = defaultConfinement();
    const ops = labels(
      container({ capabilities: sec.capabilities }, { seccomp: sec.seccomp }),
      proc({ user: { uid: 1000, gid: 1000 }, noNewPrivileges: true }),
      { cgroup: { selfMove: [{ fd: 50, hierarchy: 'memory' }] } },
    );
    expect(ops[0]).toBe('make the process non-dumpable before joining namespaces');
    const order = [
      /^join the cgroup, ipc, uts, network, pid, mount namespaces of the process \(pidfd\)$/,
      /^close the pidfd$/,
      /^fork the container process into the joined or new namespaces$/,
      /^move into the container cgroup \(memory\)$/,
      /session keyring _ses\.c1/,
      /setsid/,
      /bounding set/,
      /setresuid/,
      /^change to the working directory \/tmp$/,
      /capset/,
      /no_new_privs/,
      /load the seccomp filter/,
      /^exec cat$/,
    ].map((re) => indexOf(ops, re));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(ops.filter((l) => /^join the .* namespaces? /.test(l))).toHaveLength(1);
    // Nothing of the container's own setup, and no parent-death signal tied to the runtime.
    expect(ops.filter((l) => /mount|pivot|hostname|PDEATHSIG|die with the parent|unshare/i.test(l))).toEqual([
      'join the cgroup, ipc, uts, network, pid, mount namespaces of the process (pidfd)',
    ]);
  });

  it('runs on a fake kernel: the pidfd is handed over above the stdio and preserved fds, setns gets every type', async () => {
    const kernel = new FakeKernel();
    const { program, forkOp } = plan(container(), proc(), { stdio: [0, 1, 2, 7, 8] });
    expect(program.fds).toEqual([
      { target: 0, source: 0 },
      { target: 1, source: 1 },
      { target: 2, source: 2 },
      { target: 3, source: 7 },
      { target: 4, source: 8 },
      { target: 5, source: INIT_PIDFD },
    ]);
    const child = kernel.spawn(program);
    expect((await child.nextNotification()).op).toBe(forkOp);
    const ops = kernel.lastRun?.ops ?? [];
    expect(ops[0]?.args.slice(0, 2)).toEqual([PR_SET_DUMPABLE, 0]);
    const setns = ops.find((o) => o.syscall === 'setns');
    expect(setns?.args).toEqual([
      5,
      CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | 0x02000000,
    ]);
    expect(kernel.lastRun?.exec).toMatchObject({
      file: 'cat',
      argv: ['cat', '/proc/self/status'],
      env: ['PATH=/bin', 'A=1'],
    });
  });

  it('gives each variable once, the last one winning', () => {
    const kernel = new FakeKernel();
    kernel.spawn(plan(container(), proc({ env: ['PATH=/bin', 'A=1', 'B=2', 'A=3'] })).program);
    expect(kernel.lastRun?.exec?.env).toEqual(['PATH=/bin', 'B=2', 'A=3']);
  });

  it('forks even without a PID namespace to join: the exec process is always a grandchild', () => {
    const config = container({}, { namespaces: [{ type: 'mount' }, { type: 'uts' }] });
    const ops = labels(config, proc());
    expect(ops).toContain('fork the exec process');
    expect(ops).toContain('join the uts, mount namespaces of the process (pidfd)');
    const { program, forkOp } = plan(config, proc());
    expect(program.ops[forkOp]?.kind).toBe('fork');
  });

  it('takes the capabilities and rlimits of the container unless the process has its own; the user is root by default', () => {
    const caps = { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] };
    const rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }];
    const config = container({ capabilities: caps, rlimits, user: { uid: 5, gid: 5 } });
    const ops = labels(config, proc());
    expect(ops).toContain('become uid 0 (setresuid)');
    expect(ops).toContain('set RLIMIT_NOFILE to 1024 (soft), 1024 (hard)');
    expect(ops).toContain(
      'capset effective 0000000000000020, permitted 0000000000000020, inheritable 0000000000000000',
    );
    const own = labels(config, proc({ capabilities: { bounding: [], effective: [], permitted: [] }, rlimits: [] }));
    expect(own).toContain(
      'capset effective 0000000000000000, permitted 0000000000000000, inheritable 0000000000000000',
    );
    expect(own).toContain('set RLIMIT_NOFILE to 1024 (soft), 1024 (hard)');
  });

  it('with a terminal: a pty from the container devpts, its master on the socket, no /dev/console bind', () => {
    const ops = labels(container(), proc({ terminal: true, consoleSize: { height: 24, width: 80 } }), {
      consoleSocket: 9,
    });
    expect(ops).toContain("open the container's /dev/pts/ptmx");
    expect(ops).toContain('set the console size to 80x24 (TIOCSWINSZ)');
    expect(ops).toContain('send the pty master on the console socket');
    expect(ops.filter((l) => /console/.test(l) && /bind|create \/dev\/console/.test(l))).toEqual([]);
    expect(indexOf(ops, /setsid/)).toBeLessThan(indexOf(ops, /controlling terminal/));
  });

  it('names the field of what cannot be run', () => {
    expect(() => plan(container(), proc({ terminal: true }))).toThrow(
      'process.terminal: needs a console socket to send the pty master on (--console-socket)',
    );
    expect(() => plan(container(), proc(), { consoleSocket: 9 })).toThrow(
      'process.terminal: is not true, so there is no pty to send on the console socket',
    );
    expect(() => plan(container(), proc({ args: [] }))).toThrow('process.args: expected a non-empty array');
    expect(() => plan(container(), proc({ cwd: 'tmp' }))).toThrow('process.cwd: expected an absolute path, got "tmp"');
    expect(() => plan(container(), proc({ user: { uid: -1, gid: 0 } }))).toThrow('process.user.uid');
  });
});
