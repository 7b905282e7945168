import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRunIntegration, createBusyboxRoot } from '@gc/syscall/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  childrenOf,
  finish,
  gocontainer,
  hostMounts,
  processesMatching,
  start,
  waitForOutput,
} from '../../test-support/gocontainer.js';

const RUN_ROOT = '/run/gocontainer';

/** The child cgroups of a cgroup directory (its files, `tasks` among them, are not). */
const cgroupsIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

describe.skipIf(!canRunIntegration())('gocontainer run (integration, root)', () => {
  let root: ReturnType<typeof createBusyboxRoot>;
  let mountsBefore: string[];

  beforeAll(() => {
    root = createBusyboxRoot();
  });
  afterAll(() => root.remove());

  beforeEach(() => {
    mountsBefore = hostMounts();
  });

  // Whatever the path (success, failure, signal), a run leaves nothing behind.
  afterEach(() => {
    expect(hostMounts()).toEqual(mountsBefore);
    expect(processesMatching('sleep 6171')).toEqual([]);
    expect(childrenOf(process.pid).filter((pid) => processesMatching('gocontainer').includes(pid))).toEqual([]);
    if (existsSync(RUN_ROOT)) expect(readdirSync(RUN_ROOT)).toEqual([]);
    // No container cgroup survives, in any hierarchy.
    for (const dir of [
      '/sys/fs/cgroup/memory/gocontainer',
      '/sys/fs/cgroup/pids/gocontainer',
      '/sys/fs/cgroup/unified/gocontainer',
    ]) {
      if (existsSync(dir)) expect(cgroupsIn(dir)).toEqual([]);
    }
  });

  it('runs the command as PID 1 with its own hostname', async () => {
    const r = await gocontainer(['run', '--rootfs', root.path, '/bin/sh', '-c', 'echo pid=$$; hostname']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [pid, host] = r.stdout.trim().split('\n');
    expect(pid).toBe('pid=1');
    expect(host).not.toBe(hostname());
    expect(host).toMatch(/^[0-9a-f]{12}$/);

    const named = await gocontainer(['run', '--hostname', 'web-1', '--rootfs', root.path, '/bin/hostname']);
    expect(named.stdout).toBe('web-1\n');
  });

  it('on the default root, ps sees only the container, and the host sees none of its writes', async () => {
    const marker = `/root/gc-written-inside-${process.pid}`;
    const r = await gocontainer([
      'run',
      '/bin/sh',
      '-c',
      `echo inside > ${marker}; cat ${marker}; ps -e -o pid=,comm=`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('inside');
    // sh (PID 1) and ps: none of the host's processes.
    const procs = lines.slice(1).map((l) => l.trim().split(/\s+/));
    expect(procs.map((p) => p[1]).sort()).toEqual(['ps', 'sh']);
    expect(existsSync(marker)).toBe(false);
  });

  it('masks /proc/kcore and /proc/keys, and makes /proc/sys read-only', async () => {
    // The host's /proc/keys has content, so a 0 inside proves the mask. Some
    // kernels have no /proc/kcore: then it must not appear inside either.
    expect(readFileSync('/proc/keys', 'utf8').length).toBeGreaterThan(0);
    const r = await gocontainer([
      'run',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'cat /proc/kcore 2>/dev/null | wc -c; wc -c < /proc/keys; echo 1 > /proc/sys/kernel/domainname && echo writable || echo read-only',
    ]);
    expect(r.stdout.split('\n').map((l) => l.trim())).toEqual(['0', '0', 'read-only', '']);
  });

  it('mounts volumes: writes reach the host, ro volumes refuse them', async () => {
    const vol = mkdtempSync(join(tmpdir(), 'gc-vol-'));
    try {
      const rw = await gocontainer([
        'run',
        '-v',
        `${vol}:/data`,
        '--rootfs',
        root.path,
        '/bin/sh',
        '-c',
        'echo hi > /data/f',
      ]);
      expect(rw.code).toBe(0);
      expect(readFileSync(join(vol, 'f'), 'utf8')).toBe('hi\n');
      const ro = await gocontainer([
        'run',
        '-v',
        `${vol}:/data:ro`,
        '--rootfs',
        root.path,
        '/bin/sh',
        '-c',
        'echo x > /data/g',
      ]);
      expect(ro.code).not.toBe(0);
      expect(existsSync(join(vol, 'g'))).toBe(false);
    } finally {
      rmSync(vol, { recursive: true, force: true });
    }
  });

  it('a symlink in the root filesystem cannot redirect a mount onto the host', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'gc-host-target-'));
    const vol = mkdtempSync(join(tmpdir(), 'gc-vol-'));
    const evilRoot = createBusyboxRoot();
    try {
      writeFileSync(join(vol, 'payload'), 'from the volume\n');
      symlinkSync(hostDir, join(evilRoot.path, 'evil'));
      symlinkSync(`../../../../../../..${hostDir}`, join(evilRoot.path, 'evil2'));
      for (const target of ['/evil/x', '/evil2/x']) {
        const r = await gocontainer([
          'run',
          '-v',
          `${vol}:${target}`,
          '--rootfs',
          evilRoot.path,
          '/bin/cat',
          `${target}/payload`,
        ]);
        // The mount lands inside the root (or is refused), never on the host.
        expect(r.code === 0 ? r.stdout : 'refused').toMatch(/from the volume|refused/);
        expect(readdirSync(hostDir)).toEqual([]);
      }
    } finally {
      evilRoot.remove();
      rmSync(hostDir, { recursive: true, force: true });
      rmSync(vol, { recursive: true, force: true });
    }
  });

  it("exit codes: the command's own, 127 for a missing command, 126 for one not executable", async () => {
    expect((await gocontainer(['run', '--rootfs', root.path, '/bin/sh', '-c', 'exit 3'])).code).toBe(3);

    const missing = await gocontainer(['run', '--rootfs', root.path, '/bin/no-such-command']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('no such file or directory: /bin/no-such-command');

    const onPath = await gocontainer(['run', '--rootfs', root.path, '/bin/sh', '-c', 'no-such-command']);
    expect(onPath.code).toBe(127);

    const notExec = await gocontainer(['run', '--rootfs', root.path, '/etc/passwd']);
    expect(notExec.code).toBe(126);
    expect(notExec.stderr).toContain('/etc/passwd');
  });

  it('a container killed by a signal gives 128+n', async () => {
    const child = start(['run', '--rootfs', root.path, '/bin/sh', '-c', 'echo ready; exec sleep 6171']);
    await waitForOutput(child, 'ready');
    const [containerPid] = childrenOf(child.pid as number);
    expect(containerPid).toBeDefined();
    process.kill(containerPid as number, 'SIGKILL');
    expect((await finish(child)).code).toBe(137);
  });

  it('forwards SIGTERM to the container: a trap sees it', async () => {
    const child = start([
      'run',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'trap "echo got TERM; exit 42" TERM; echo ready; while true; do sleep 0.1; done',
    ]);
    await waitForOutput(child, 'ready');
    child.kill('SIGTERM');
    const r = await finish(child);
    expect(r.stdout).toContain('got TERM');
    expect(r.code).toBe(42);
  });

  it('with --init, orphans are reaped and SIGTERM still reaches the command', async () => {
    const reaped = await gocontainer([
      'run',
      '--init',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      // The subshell exits at once: its sleep is orphaned to PID 1, which must reap it.
      '(sleep 0.2 &); sleep 1; ps -o pid,stat,comm',
    ]);
    expect(reaped.code).toBe(0);
    expect(reaped.stdout).toMatch(/^\s*1\s+\S+\s+gc-init|^\s*1\s+\S+\s+\S*init/m);
    expect(reaped.stdout).not.toMatch(/\sZ\s/);

    const child = start(['run', '--init', '--rootfs', root.path, '/bin/sh', '-c', 'echo ready; exec sleep 6171']);
    await waitForOutput(child, 'ready');
    child.kill('SIGTERM');
    expect((await finish(child)).code).toBe(143);
  });

  it('-m: a 200 MB allocation over a 50m limit is OOM killed: 137 and a message', async () => {
    const r = await gocontainer([
      'run',
      '-m',
      '50m',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'head -c 200m /dev/zero | tail',
    ]);
    expect(r.code).toBe(137);
    expect(r.stderr).toContain('container was OOM killed (memory limit 50 MiB)');
  });

  it('--pids-limit makes fork fail; --cpus throttles; the cgroup is gone afterwards', async () => {
    const pids = await gocontainer([
      'run',
      '--pids-limit',
      '5',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; echo started; wait',
    ]);
    expect(pids.stderr + pids.stdout).toMatch(/can't fork|Resource temporarily unavailable/);

    // A 1 s busy loop under --cpus 0.25 gets about a quarter of a CPU.
    const cpu = await gocontainer([
      'run',
      '--cpus',
      '0.25',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'end=$(($(date +%s) + 2)); while [ $(date +%s) -lt $end ]; do :; done; cat /proc/self/stat /sys/fs/cgroup/cpu/cpu.stat 2>/dev/null | grep -E "^nr_throttled"',
    ]);
    const throttled = Number(/nr_throttled (\d+)/.exec(cpu.stdout)?.[1] ?? '0');
    expect(throttled).toBeGreaterThan(0);
  });

  it('bad resource flags name the flag and leave no cgroup', async () => {
    const r = await gocontainer(['run', '-m', '1k', '--rootfs', root.path, '/bin/true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toContain('--memory: "1k" is below the minimum memory limit of 6MB');
    const s = await gocontainer(['run', '--cpus', 'lots', '--rootfs', root.path, '/bin/true']);
    expect(s.stderr).toContain('--cpus: "lots"');
  });

  it('standard input reaches the container with -i', async () => {
    const r = await gocontainer(['run', '-i', '--rootfs', root.path, '/bin/cat'], { input: 'through a pipe\n' });
    expect(r.stdout).toBe('through a pipe\n');
    expect(r.code).toBe(0);
  });

  it('sets env, workdir, read-only root and the network', async () => {
    const r = await gocontainer([
      'run',
      '-e',
      'GREETING=hello',
      '-w',
      '/work/dir',
      '--read-only',
      '--rootfs',
      root.path,
      '/bin/sh',
      '-c',
      'echo $GREETING; pwd; touch /x 2>/dev/null && echo rw || echo ro; cat /sys/class/net/lo/operstate; ls /sys/class/net',
    ]);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['hello', '/work/dir', 'ro']);
    // Its own network namespace: only loopback, and it is up.
    expect(lines[3]).toMatch(/unknown|up/);
    expect(lines[4]).toBe('lo');

    const host = await gocontainer(['run', '--network', 'host', '--rootfs', root.path, '/bin/ls', '/sys/class/net']);
    expect(host.stdout.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(host.stdout.trim().split('\n').sort()).toEqual(readdirSync('/sys/class/net').sort());
  });

  it('refuses bad input with a message naming the flag, and leaves nothing behind', async () => {
    const image = await gocontainer(['run', '--rootfs', root.path, 'sh']);
    expect(image.code).toBe(125);
    expect(image.stderr).toContain('"sh" is not an absolute command path: with --rootfs DIR the command is a path');
    const net = await gocontainer(['run', '--network', 'bridge', '/bin/true']);
    expect(net.stderr).toContain('--network: "bridge"');
    const vol = await gocontainer(['run', '-v', 'relative:/x', '/bin/true']);
    expect(vol.stderr).toContain('--volume');
    expect(vol.code).toBe(125);
  });
});

describe.skipIf(!canRunIntegration() || !existsSync('/usr/bin/tmux'))('gocontainer run, interactive (tmux)', () => {
  it("gives a usable bash on the caller's terminal; exit 3 gives 3", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-tmux-'));
    const session = `gc-test-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-t', session);
    const until = async (pred: () => boolean, what: string) => {
      for (let i = 0; i < 100; i++) {
        if (pred()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${what} never showed; screen:\n${screen()}`);
    };
    try {
      const bin = join(import.meta.dirname, '../../../bin/gocontainer.cjs');
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '120',
        '-y',
        '30',
        `${process.execPath} ${bin} run /bin/bash; echo EXIT=$? > ${dir}/exit; sleep 30`,
      );
      await until(() => /#\s*$/m.test(screen()), 'a prompt');
      tmux('send-keys', '-t', session, 'echo sum=$((40+2)); echo pid=$$', 'Enter');
      await until(() => screen().includes('sum=42'), 'the command output');
      expect(screen()).toContain('pid=1');
      tmux('send-keys', '-t', session, 'exit 3', 'Enter');
      await until(() => existsSync(join(dir, 'exit')), 'the exit code');
      expect(readFileSync(join(dir, 'exit'), 'utf8')).toBe('EXIT=3\n');
    } finally {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
