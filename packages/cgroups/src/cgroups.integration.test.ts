import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createKernel, Program } from '@gc/syscall';
import { canRunIntegration, drainPipe } from '@gc/syscall/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCgroupManager } from './create-manager.js';
import { detectCgroupLayout } from './layout.js';
import type { CgroupManager } from './manager.js';
import { planCgroupPlacement } from './plan-placement.js';
import { sleep } from './poll.js';

// Run on this host (hybrid v1 on the development machines) and, through
// cgroup2-vm.integration.test.ts, inside a cgroup v2 VM: the same behaviours
// through the same interface, whatever the driver.
const BUSYBOX = '/bin/busybox';
const PARENT = `/gc-test-${process.pid}`;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A busybox shell held at `read` until `go()`: joined to the cgroup before it runs the command. */
function held(command: string): { child: ChildProcess; go(): void; exited: Promise<Exit>; stderr: () => string } {
  const child = spawn(BUSYBOX, ['sh', '-c', `read _; exec ${command}`], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, go: () => child.stdin?.end('\n'), exited, stderr: () => stderr };
}

function hierarchyRoots(): string[] {
  const layout = detectCgroupLayout();
  return [...new Set([...Object.values(layout.v1), ...(layout.unified ? [layout.unified] : [])])];
}

describe.skipIf(!canRunIntegration())('cgroups (integration, root)', () => {
  const managers: CgroupManager[] = [];
  const make = (id: string) => {
    const m = createCgroupManager({ id, parent: PARENT });
    managers.push(m);
    m.create();
    return m;
  };

  afterEach(async () => {
    for (const m of managers.splice(0)) await m.destroy();
    // Nothing left behind, in any hierarchy.
    for (const root of hierarchyRoots()) expect(existsSync(join(root, PARENT)), join(root, PARENT)).toBe(false);
  });

  afterAll(() => {
    for (const root of hierarchyRoots()) expect(existsSync(join(root, PARENT))).toBe(false);
  });

  it('runs on a detected driver', () => {
    const m = make('driver');
    expect(m.driver).toBe(process.env.GC_CGROUP2_VM ? 'v2' : detectCgroupLayout().mode);
    for (const dir of Object.values(m.dirs)) expect(existsSync(dir), dir).toBe(true);
  });

  it('memory limit: a 200 MB allocation is OOM-killed (137) and the OOM kill is reported', async () => {
    const m = make('memory');
    m.apply({ memory: { limit: 50 * 1024 * 1024 } });
    const p = held('dd if=/dev/zero of=/dev/null bs=200M count=1');
    await m.join(p.child.pid as number);
    p.go();
    const exit = await p.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(m.oomKilled()).toBe(true);
    const memory = m.stats().memory;
    expect(memory?.limit).toBe(50 * 1024 * 1024);
    expect(memory?.events.oomKill).toBeGreaterThanOrEqual(1);
  });

  it('pids limit: fork fails beyond it', async () => {
    const m = make('pids');
    m.apply({ pids: { limit: 4 } });
    const p = held(`${BUSYBOX} sh -c 'for i in 1 2 3 4 5 6 7 8; do ${BUSYBOX} sleep 30 & done; wait'`);
    await m.join(p.child.pid as number);
    p.go();
    await sleep(300);
    const pids = m.stats().pids;
    expect(pids?.limit).toBe(4);
    expect(pids?.current).toBeLessThanOrEqual(4);
    expect(p.stderr()).toMatch(/can't fork|Resource temporarily unavailable/);
    await m.killAll();
    // busybox sh gives up on a failed fork: it may have exited by itself.
    const exit = await p.exited;
    expect(exit.signal === 'SIGKILL' || (exit.code ?? 0) !== 0).toBe(true);
    expect(m.pids()).toEqual([]);
  });

  it('cpu quota: a 1 s busy loop gets well under one CPU, and is throttled', async () => {
    const m = make('cpu');
    m.apply({ cpu: { quota: 20_000, period: 100_000 } });
    const p = held("sh -c 'while :; do :; done'");
    await m.join(p.child.pid as number);
    p.go();
    await sleep(1000);
    await m.killAll();
    await p.exited;
    const cpu = m.stats().cpu;
    expect(cpu?.usageUsec).toBeGreaterThan(50_000);
    expect(cpu?.usageUsec).toBeLessThan(450_000);
    expect(cpu?.throttledPeriods).toBeGreaterThan(0);
  });

  it('device rules: a node may be made, but only the allowed one opens (devices cgroup, or eBPF on v2)', async () => {
    const m = make('devices');
    m.apply({
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', access: 'm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
      ],
    });
    const dir = mkdtempSync('/tmp/gc-devices-');
    try {
      const p = held(
        `sh -c 'mknod ${dir}/null c 1 3 && mknod ${dir}/tty1 c 4 1 && echo x > ${dir}/null && echo null-ok >&2; ` +
          `cat ${dir}/tty1 </dev/null; mknod ${dir}/loop b 7 0'`,
      );
      await m.join(p.child.pid as number);
      p.go();
      expect(await p.exited).toEqual({ code: 1, signal: null });
      const lines = p.stderr().trim().split('\n');
      expect(lines[0]).toBe('null-ok');
      expect(lines[1]).toMatch(/tty1.*Operation not permitted/);
      expect(lines[2]).toMatch(/loop.*Operation not permitted/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('freeze stops progress and thaw resumes it', async () => {
    const m = make('freeze');
    const p = held("sh -c 'while :; do :; done'");
    await m.join(p.child.pid as number);
    p.go();
    await sleep(200);
    expect(m.frozen()).toBe(false);
    await m.freeze();
    expect(m.frozen()).toBe(true);
    const frozenAt = m.stats().cpu?.usageUsec ?? 0;
    await sleep(400);
    const stillFrozen = m.stats().cpu?.usageUsec ?? 0;
    await m.thaw();
    expect(m.frozen()).toBe(false);
    await sleep(400);
    const thawed = m.stats().cpu?.usageUsec ?? 0;
    expect(stillFrozen - frozenAt).toBeLessThan(10_000);
    expect(thawed - stillFrozen).toBeGreaterThan(100_000);
    await m.killAll();
    expect((await p.exited).signal).toBe('SIGKILL');
  });

  it('kill-all ends every process, forks included, and destroy removes the cgroup', async () => {
    const m = make('kill');
    const p = held(`${BUSYBOX} sh -c '${BUSYBOX} sleep 100 & ${BUSYBOX} sleep 100 & ${BUSYBOX} sleep 100 & wait'`);
    await m.join(p.child.pid as number);
    p.go();
    // The shell (exec'd twice, one process) and its three sleeps.
    for (let i = 0; i < 100 && m.pids().length < 4; i++) await sleep(20);
    expect(m.pids().length).toBe(4);
    await m.killAll();
    expect(m.pids()).toEqual([]);
    expect((await p.exited).signal).toBe('SIGKILL');
  });

  it('destroy kills what is left and removes the cgroup from every hierarchy', async () => {
    const m = make('destroy');
    const p = held(`${BUSYBOX} sleep 100`);
    await m.join(p.child.pid as number);
    p.go();
    for (let i = 0; i < 100 && !m.pids().includes(p.child.pid as number); i++) await sleep(10);
    await m.destroy();
    expect((await p.exited).signal).toBe('SIGKILL');
    for (const dir of Object.values(m.dirs)) expect(existsSync(dir), dir).toBe(false);
  });

  it('openPlacement: the child starts in the cgroup2 part and moves itself into every v1 hierarchy', async () => {
    const m = make('placement');
    m.apply({ pids: { limit: 10 } });
    const kernel = createKernel();
    const [r, w] = kernel.pipe2();
    const program = new Program();
    const p = program.scope('@gc/cgroups test');
    program.setFds([
      { target: 0, source: 0 },
      { target: 1, source: w },
      { target: 2, source: 2 },
    ]);
    const placement = m.openPlacement();
    planCgroupPlacement(program, placement);
    p.execvp(BUSYBOX, ['busybox', 'cat', '/proc/self/cgroup'], [], 'exec cat /proc/self/cgroup');
    const child = kernel.spawn(program, placement.cloneInto === undefined ? {} : { cgroupFd: placement.cloneInto });
    if (placement.cloneInto !== undefined) closeSync(placement.cloneInto);
    for (const { fd } of placement.selfMove) closeSync(fd);
    kernel.close(w);
    const out = await drainPipe(r);
    await child.started;
    expect(await child.exited).toEqual({ code: 0 });
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      if (/^\d+:(name=)/.test(line)) continue;
      expect(line.endsWith(`${PARENT}/placement`), line).toBe(true);
    }
  });

  it('places a spawned child before its program runs user code (WAIT op + join, or CLONE_INTO_CGROUP)', async () => {
    const m = make('spawn');
    m.apply({ pids: { limit: 10 } });
    const kernel = createKernel();
    const [r, w] = kernel.pipe2();
    const program = new Program();
    const p = program.scope('@gc/cgroups test');
    p.wait('wait for the cgroup');
    p.execvp(BUSYBOX, ['busybox', 'cat', '/proc/self/cgroup'], [], 'exec cat /proc/self/cgroup');
    program.setFds([
      { target: 0, source: 0 },
      { target: 1, source: w },
      { target: 2, source: 2 },
    ]);
    const cgroupFd = m.openDirFd();
    const child = kernel.spawn(program, { cgroupFd });
    if (cgroupFd !== undefined) closeSync(cgroupFd);
    kernel.close(w);
    await m.join(child.pid);
    child.release();
    const out = await drainPipe(r);
    await child.started;
    expect(await child.exited).toEqual({ code: 0 });
    for (const line of out.trim().split('\n')) {
      // Every hierarchy (but the named ones of other managers) shows the container's cgroup.
      if (/^\d+:(name=)/.test(line)) continue;
      expect(line.endsWith(`${PARENT}/spawn`), line).toBe(true);
    }
  });
});
