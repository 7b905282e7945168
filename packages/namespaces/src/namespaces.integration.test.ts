import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createKernel, Program } from '@gc/syscall';
import {
  BUSYBOX_ENV,
  type BusyboxRoot,
  canRunIntegration,
  createBusyboxRoot,
  planBusyboxRoot,
} from '@gc/syscall/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planHostname } from './hostname.js';
import { namespaceOf, namespacesOf, sameNamespace } from './inspect.js';
import { planLoopbackUp } from './loopback.js';
import { planNamespaces } from './plan.js';
import { type Started, start } from './test-support/run.js';
import type { NamespaceSpec, NamespaceType } from './types.js';
import type { NamespaceInput } from './validate.js';

const kernel = createKernel();

/** A container on the busybox root running `script`, planned the way the runtime does: namespaces first. */
function container(
  root: string,
  input: NamespaceInput,
  script: string,
  extra?: (program: Program) => void,
): { program: Program; plan: ReturnType<typeof planNamespaces> } {
  const program = new Program();
  const plan = planNamespaces(program, input);
  planBusyboxRoot(program, { root });
  extra?.(program);
  program.scope('@gc/test').execvp('/bin/sh', ['sh', '-c', script], BUSYBOX_ENV, 'exec sh');
  return { program, plan };
}

/** Run to the end; returns stdout, stderr and the exit status of the container's process. */
async function runToEnd(root: string, input: NamespaceInput, script: string, extra?: (program: Program) => void) {
  const { program, plan } = container(root, input, script, extra);
  const started = await start(kernel, program, plan);
  const [stdout, stderr, status] = await Promise.all([started.stdout, started.stderr, started.process.exited]);
  await started.stop();
  return { stdout, stderr, status, started };
}

/** A process that holds namespaces open: host's /bin/sleep, no rootfs. */
async function holder(input: NamespaceInput, extra?: (program: Program) => void): Promise<Started> {
  const program = new Program();
  const plan = planNamespaces(program, input);
  extra?.(program);
  program.scope('@gc/test').execvp('/bin/sleep', ['sleep', '100'], [], 'exec sleep');
  return start(kernel, program, plan);
}

const PRIVATE: NamespaceSpec[] = [{ type: 'mount' }, { type: 'pid' }];

describe.skipIf(!canRunIntegration())('namespaces (integration, root)', () => {
  let root: BusyboxRoot;

  beforeAll(() => {
    root = createBusyboxRoot();
    // mkdtemp made it 0700: a process mapped to another uid must still reach it.
    chmodSync(root.path, 0o755);
    // A background job's stdin is /dev/null, and the root has no /dev of its own.
    execFileSync('mknod', ['-m', '666', `${root.path}/dev/null`, 'c', '1', '3']);
  });
  afterAll(() => root.remove());

  it('new namespaces are really new: namespacesOf the child differs from ours, but for the user namespace', async () => {
    const types: NamespaceType[] = ['mount', 'uts', 'ipc', 'pid', 'network', 'cgroup', 'time'];
    const { program, plan } = container(root.path, { namespaces: types.map((type) => ({ type })) }, 'exec sleep 100');
    const c = await start(kernel, program, plan);
    try {
      expect(c.process).toBe(c.child);
      const [mine, theirs] = await Promise.all([namespacesOf('self'), namespacesOf(c.process.pid)]);
      for (const type of types) {
        const a = mine.find((n) => n.type === type);
        const b = theirs.find((n) => n.type === type);
        expect(b?.inode, type).toBeGreaterThan(0);
        expect(b?.inode, type).not.toBe(a?.inode);
      }
      expect(await sameNamespace('self', c.process.pid, 'user')).toBe(true);
      expect(await sameNamespace('self', c.process.pid, 'network')).toBe(false);
    } finally {
      await c.stop();
    }
  });

  it('joins existing uts, network and pid namespaces by path: sees the holder hostname, network and processes', async () => {
    const hold = await holder({ namespaces: [{ type: 'uts' }, { type: 'network' }, { type: 'pid' }] }, (p) =>
      planHostname(p, 'gc-holder'),
    );
    try {
      const pid = hold.process.pid;
      const { stdout, status, started } = await runToEnd(
        root.path,
        {
          namespaces: [
            { type: 'mount' },
            { type: 'uts', path: `/proc/${pid}/ns/uts` },
            { type: 'network', path: `/proc/${pid}/ns/net` },
            { type: 'pid', path: `/proc/${pid}/ns/pid` },
          ],
        },
        // The holder is PID 1 of the pid namespace we joined; our shell is not.
        'hostname; readlink /proc/self/ns/net; echo "pid=$$"; tr "\\0" " " </proc/1/cmdline; echo',
      );
      expect(status).toEqual({ code: 0 });
      const net = await namespaceOf(pid, 'network');
      expect(stdout.split('\n')).toEqual([
        'gc-holder',
        `net:[${net.inode}]`,
        expect.stringMatching(/^pid=\d+$/),
        'sleep 100 ',
        '',
      ]);
      expect(stdout).not.toContain('pid=1\n');
      expect(hostname()).not.toBe('gc-holder');
      // The fork made the container process a grandchild: afterSpawn handed us that one.
      expect(started.process.pid).not.toBe(started.child.pid);
    } finally {
      await hold.stop();
    }
  });

  it('joins uts and network namespaces by a pidfd of the holder, in one setns; the pidfd does not reach the container', async () => {
    const hold = await holder({ namespaces: [{ type: 'uts' }, { type: 'network' }] }, (p) =>
      planHostname(p, 'gc-holder'),
    );
    const pidfd = kernel.pidfdOpen(hold.process.pid);
    try {
      const { stdout, stderr, status } = await runToEnd(
        root.path,
        { namespaces: PRIVATE, joinProcess: { pidfd, types: ['uts', 'network'] } },
        // ls holds fd 3 itself: a leaked pidfd would push it to 4.
        'hostname; readlink /proc/self/ns/net; ls /proc/self/fd | tr "\\n" " "; echo; echo "pidfds=$(ls -l /proc/self/fd 2>&1 | grep -c pidfd)"',
      );
      expect(stderr).toBe('');
      expect(status).toEqual({ code: 0 });
      const net = await namespaceOf(hold.process.pid, 'network');
      expect(stdout.split('\n')).toEqual(['gc-holder', `net:[${net.inode}]`, '0 1 2 3 ', 'pidfds=0', '']);
      expect(hostname()).not.toBe('gc-holder');
    } finally {
      kernel.close(pidfd);
      await hold.stop();
    }
  });

  it('joins a pid namespace by pidfd: the program forks, the holder is PID 1 of what the container sees', async () => {
    const hold = await holder({ namespaces: [{ type: 'pid' }, { type: 'uts' }] }, (p) => planHostname(p, 'gc-holder'));
    const pidfd = kernel.pidfdOpen(hold.process.pid);
    try {
      const { stdout, status, started } = await runToEnd(
        root.path,
        { namespaces: [{ type: 'mount' }], joinProcess: { pidfd, types: ['pid', 'uts'] } },
        'hostname; tr "\\0" " " </proc/1/cmdline; echo; ls /proc/self/fd | tr "\\n" " "',
      );
      expect(status).toEqual({ code: 0 });
      expect(stdout).toBe('gc-holder\nsleep 100 \n0 1 2 3 ');
      expect(started.process.pid).not.toBe(started.child.pid);
    } finally {
      kernel.close(pidfd);
      await hold.stop();
    }
  });

  it('a new user namespace gets the uid and gid maps before it goes on: id -u is 0 inside after setresuid', async () => {
    const map = [{ containerID: 0, hostID: 200000, size: 65536 }];
    // Credentials belong to a later package; the test plays its part.
    const becomeRoot = (program: Program) => {
      const p = program.scope('@gc/test');
      p.syscall('setresgid', [0, 0, 0], 'become gid 0');
      p.syscall('setresuid', [0, 0, 0], 'become uid 0');
    };
    const { stdout, stderr, status } = await runToEnd(
      root.path,
      { namespaces: [{ type: 'user' }, ...PRIVATE], uidMappings: map, gidMappings: map },
      'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g',
      becomeRoot,
    );
    expect(stderr).toBe('');
    expect(status).toEqual({ code: 0 });
    const lines = stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    // As root (CAP_SETGID) the gid map is written without denying setgroups, as runc does.
    expect(lines).toEqual(['0 200000 65536', '0 200000 65536', 'allow', '0', '0', '']);
  });

  it('joins a user namespace and creates the others inside it (runc order); unmapped host root is the overflow uid', async () => {
    const map = [{ containerID: 0, hostID: 300000, size: 65536 }];
    const hold = await holder({ namespaces: [{ type: 'user' }], uidMappings: map, gidMappings: map });
    try {
      const userPath = `/proc/${hold.process.pid}/ns/user`;
      const { stdout, stderr, status } = await runToEnd(
        root.path,
        { namespaces: [{ type: 'user', path: userPath }, ...PRIVATE] },
        'cat /proc/self/uid_map; id -u; echo "pid=$$"; readlink /proc/self/ns/user',
      );
      expect(stderr).toBe('');
      expect(status).toEqual({ code: 0 });
      const user = await namespaceOf(hold.process.pid, 'user');
      // The mount and pid namespaces were unshared inside the joined user namespace: proc could be mounted, we are PID 1.
      expect(stdout.split('\n').map((l) => l.trim().split(/\s+/).join(' '))).toEqual([
        '0 300000 65536',
        '65534', // host uid 0 is not in the map, and nothing called setresuid
        'pid=1',
        `user:[${user.inode}]`,
        '',
      ]);
    } finally {
      await hold.stop();
    }
  });

  it('time offsets: boottime and monotonic are a day ahead inside, and the process is PID 1', async () => {
    const day = 86400;
    const hostUptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const { stdout, status } = await runToEnd(
      root.path,
      {
        namespaces: [{ type: 'time' }, ...PRIVATE],
        timeOffsets: { boottime: { secs: day, nanosecs: 0 }, monotonic: { secs: day, nanosecs: 0 } },
      },
      'echo "pid=$$"; cut -d" " -f1 /proc/uptime',
    );
    expect(status).toEqual({ code: 0 });
    const [pid, uptime] = stdout.trim().split('\n');
    expect(pid).toBe('pid=1');
    // In hundredths, as /proc/uptime prints them: read in the same tick, 127648.79 is not below 41248.79 + 86400.
    const hundredths = (seconds: number) => Math.round(seconds * 100);
    expect(hundredths(Number(uptime))).toBeGreaterThanOrEqual(hundredths(hostUptime) + day * 100);
    expect(hundredths(Number(uptime))).toBeLessThan(hundredths(hostUptime) + (day + 60) * 100);
  });

  it('user and time namespaces together: maps first, then the offsets, then PID 1 in both', async () => {
    const map = [{ containerID: 0, hostID: 400000, size: 65536 }];
    const { stdout, stderr, status } = await runToEnd(
      root.path,
      {
        namespaces: [{ type: 'user' }, { type: 'time' }, ...PRIVATE],
        uidMappings: map,
        gidMappings: map,
        timeOffsets: { boottime: { secs: 86400, nanosecs: 0 } },
      },
      'echo "pid=$$"; cut -d" " -f1 /proc/uptime; cat /proc/self/uid_map',
    );
    expect(stderr).toBe('');
    expect(status).toEqual({ code: 0 });
    const [pid, uptime, uidMap] = stdout.trim().split('\n');
    expect(pid).toBe('pid=1');
    expect(Number(uptime)).toBeGreaterThanOrEqual(86400);
    expect(uidMap?.trim().split(/\s+/)).toEqual(['0', '400000', '65536']);
  });

  it('joining a time namespace by path moves the process itself (no fork needed)', async () => {
    const hold = await holder({
      namespaces: [{ type: 'time' }],
      timeOffsets: { boottime: { secs: 2 * 86400, nanosecs: 0 } },
    });
    try {
      const { stdout, status, started } = await runToEnd(
        root.path,
        { namespaces: [{ type: 'time', path: `/proc/${hold.process.pid}/ns/time` }, ...PRIVATE] },
        'cut -d" " -f1 /proc/uptime',
      );
      expect(status).toEqual({ code: 0 });
      expect(Number(stdout)).toBeGreaterThanOrEqual(2 * 86400);
      expect(started.process).toBe(started.child);
    } finally {
      await hold.stop();
    }
  });

  it('planLoopbackUp brings lo up in a new network namespace: TCP on 127.0.0.1 works', async () => {
    const script =
      'ifconfig lo | grep -o "UP LOOPBACK RUNNING"; nc -l -p 5555 & sleep 0.3; echo hello-lo | nc 127.0.0.1 5555; wait';
    const input = { namespaces: [{ type: 'network' as const }, ...PRIVATE] };
    const up = await runToEnd(root.path, input, script, planLoopbackUp);
    expect(up.status).toEqual({ code: 0 });
    expect(up.stdout).toBe('UP LOOPBACK RUNNING\nhello-lo\n');
    // Without it lo is down: the same connect fails.
    const down = await runToEnd(root.path, input, 'ifconfig lo | grep -c UP; echo x | nc 127.0.0.1 5555; echo "rc=$?"');
    expect(down.stdout).toBe('0\nrc=1\n');
    expect(down.stderr).toContain('Network is unreachable');
  });

  it('a failing join rejects afterSpawn with the op label and leaves no process', async () => {
    const { program, plan } = container(
      root.path,
      { namespaces: [{ type: 'network', path: '/proc/self/ns/nonexistent' }, ...PRIVATE] },
      'true',
    );
    await expect(start(kernel, program, plan)).rejects.toThrow(
      'open the network namespace /proc/self/ns/nonexistent (namespaces): ENOENT (No such file or directory)',
    );
  });
});
