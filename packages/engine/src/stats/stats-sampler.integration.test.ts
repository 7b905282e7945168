import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupManager, createCgroupManager, detectCgroupLayout } from '@gc/cgroups';
import { canRunIntegration } from '@gc/syscall/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatsSampler, type StatsTarget } from './stats-sampler.js';

// Real processes in real cgroups, on this host's driver (hybrid v1 on the
// development machines) and, through stats-cgroup2-vm.integration.test.ts,
// on a cgroup v2 kernel.
const BUSYBOX = '/bin/busybox';
const PARENT = `/gc-stats-test-${process.pid}`;
const MiB = 1024 * 1024;

interface Held {
  child: ChildProcess;
  exited: Promise<void>;
}

/** `command` under busybox sh, started only once it is in the cgroup (so that all it uses is counted there). */
async function runIn(cgroup: CgroupManager, command: string, argv0 = BUSYBOX, pre: string[] = []): Promise<Held> {
  const child = spawn(argv0, [...pre, ...(argv0 === BUSYBOX ? [] : [BUSYBOX]), 'sh', '-c', `read _; ${command}`], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await cgroup.join(child.pid as number);
  child.stdin?.end('\n');
  return { child, exited };
}

/** A process's user + system time in clock ticks (/proc/PID/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

interface Disk {
  major: number;
  minor: number;
}

/** The whole disk a filesystem's device (`st_dev`) is on: throttle rules take disks, not partitions. */
function wholeDisk(dev: number): Disk | undefined {
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (!existsSync(sys)) return undefined;
  const whole = existsSync(`${sys}/partition`) ? readFileSync(`${sys}/../dev`, 'utf8') : `${major}:${minor}`;
  const [ma, mi] = whole.trim().split(':').map(Number);
  return { major: ma as number, minor: mi as number };
}

const until = async (what: string, pred: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(!canRunIntegration())('the stats sampler on real cgroups (root)', { timeout: 60_000 }, () => {
  const cgroups: CgroupManager[] = [];
  const held: Held[] = [];
  const dirs: string[] = [];
  const make = (id: string, limit?: number) => {
    const m = createCgroupManager({ id, parent: PARENT });
    cgroups.push(m);
    m.create();
    if (limit !== undefined) m.apply({ memory: { limit } });
    return m;
  };
  const target = (h: Held, id: string): StatsTarget => ({ id, pid: h.child.pid as number });

  afterEach(async () => {
    for (const h of held.splice(0)) {
      h.child.kill('SIGKILL');
      await h.exited;
    }
    for (const m of cgroups.splice(0)) await m.destroy();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    const layout = detectCgroupLayout();
    for (const root of [...Object.values(layout.v1), ...(layout.unified ? [layout.unified] : [])]) {
      expect(existsSync(join(root, PARENT)), join(root, PARENT)).toBe(false);
    }
  });

  it('shows the memory limit and what a process holds, its pids and a busy loop near one CPU', async () => {
    const mem = make('mem', 96 * MiB);
    // The shell keeps 8 MB (7.6 MiB) in a variable, and one child (sleep) besides itself.
    held.push(
      await runIn(
        mem,
        `x=$(${BUSYBOX} head -c 8000000 /dev/zero | ${BUSYBOX} tr '\\0' a); ${BUSYBOX} sleep 1000 & wait`,
      ),
    );
    const busy = make('busy');
    held.push(await runIn(busy, 'while :; do :; done'));
    const targets = [target(held[0] as Held, 'mem'), target(held[1] as Held, 'busy')];
    const sampler = createStatsSampler();
    await until('the shell filled its variable', () => mem.pids().length === 2);
    const busyPid = held[1]?.child.pid as number;
    const t0 = performance.now();
    const ticks0 = cpuTicks(busyPid);
    const first = sampler.read(targets);
    await new Promise((r) => setTimeout(r, 1000));
    const stats = sampler.compute(['mem', 'busy'], first, sampler.read(targets));
    // The loop's share of a CPU by the kernel's own account (ticks of 10 ms), over about the same time.
    const expected = ((cpuTicks(busyPid) - ticks0) * 10 * 100) / (performance.now() - t0);
    const m = stats.get('mem');
    expect(m?.memoryLimit).toBe(96 * MiB);
    expect(m?.memoryUsage).toBeGreaterThan(7.5 * MiB);
    expect(m?.memoryUsage).toBeLessThan(96 * MiB);
    expect(m?.memoryPercent).toBeCloseTo(((m?.memoryUsage ?? 0) / (96 * MiB)) * 100, 6);
    expect(m?.pids).toBe(2);
    const b = stats.get('busy');
    // One CPU is 100 %: as much of it as the host's other work left the loop, by the kernel's own account.
    expect(b?.cpuPercent).toBeGreaterThan(5);
    expect(Math.abs((b?.cpuPercent ?? 0) - expected)).toBeLessThan(8);
    // No limit: the host's memory, as Docker shows.
    expect(b?.memoryLimit).toBe(Number(/MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024);
    expect(b?.pids).toBe(1);
  });

  it('counts direct writes to a block device as block I/O', async (ctx) => {
    const dir = mkdtempSync(join(process.cwd(), '.gc-stats-io-'));
    dirs.push(dir);
    const disk = wholeDisk(statSync(dir).dev);
    // A filesystem on no block device (tmpfs, 9p in the VM) makes no block I/O to count.
    if (disk === undefined) ctx.skip();
    const io = make('io');
    // cgroup v1's blkio counters move only for a device with a throttle rule
    // (Linux 6 counts in blk-throttle): Docker's --device-write-bps, here far
    // above what the disk does. cgroup v2 counts in io.stat with or without.
    io.apply({ blockIO: { throttleWriteBpsDevice: [{ ...(disk as Disk), rate: 10 ** 12 }] } });
    held.push(
      await runIn(
        io,
        `${BUSYBOX} dd if=/dev/zero of=${dir}/f bs=1M count=4 oflag=direct 2>/dev/null; ${BUSYBOX} sleep 1000`,
      ),
    );
    const t = target(held[0] as Held, 'io');
    const sampler = createStatsSampler();
    await until('the write was counted', () => (sampler.read([t]).get('io')?.blockWrite ?? 0) >= 4 * MiB);
    const stats = sampler.compute(['io'], undefined, sampler.read([t])).get('io');
    expect(stats?.blockWrite).toBeGreaterThanOrEqual(4 * MiB);
    expect(stats?.blockWrite).toBeLessThan(8 * MiB);
  });

  it("counts the network I/O of the init's own network namespace, loopback left out", async (ctx) => {
    // A kernel without veth (the VM's loads no modules) cannot make the pair this test sends through.
    const probe = spawnSync('/usr/bin/unshare', [
      '--net',
      '/usr/sbin/ip',
      'link',
      'add',
      'name',
      'va',
      'type',
      'veth',
      'peer',
      'name',
      'vb',
    ]);
    if (probe.status !== 0) ctx.skip();
    const net = make('net');
    // A veth pair inside a new network namespace: the pings go out of one end and into the other.
    const script = [
      '/usr/sbin/ip link add name va type veth peer name vb',
      '/usr/sbin/ip addr add 10.213.0.1/24 dev va',
      '/usr/sbin/ip link set va up',
      '/usr/sbin/ip link set vb up',
      '/usr/sbin/ip link set lo up',
      `${BUSYBOX} ping -c 3 -i 0.2 -W 1 10.213.0.2 >/dev/null 2>&1`,
      `${BUSYBOX} ping -c 3 -i 0.2 127.0.0.1 >/dev/null 2>&1`,
      `exec ${BUSYBOX} sleep 1000`,
    ].join('; ');
    held.push(await runIn(net, script, '/usr/bin/unshare', ['--net']));
    const pid = held[0]?.child.pid as number;
    // unshare execs busybox sh: wait for its sleep.
    await until('the pings were sent', () =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(`${BUSYBOX}\0sleep`),
    );
    const netDev = readFileSync(`/proc/${pid}/net/dev`, 'utf8');
    const sum = (i: number) =>
      netDev
        .split('\n')
        .filter((l) => /^\s*v[ab]:/.test(l))
        .reduce((n, l) => n + Number(l.split(':')[1]?.trim().split(/\s+/)[i]), 0);
    const stats = createStatsSampler()
      .compute(['net'], undefined, createStatsSampler().read([{ id: 'net', pid }]))
      .get('net');
    expect(stats?.netRx, netDev).toBeGreaterThan(0);
    expect(stats?.netRx).toBe(sum(0));
    expect(stats?.netTx).toBe(sum(8));
  });
});
