import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CgroupMode, createCgroupManager } from '@gc/cgroups';
import { createFakeCgroupTree, type FakeCgroupTree } from '@gc/cgroups/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuPercent, memoryLimit, memoryUsage } from './docker-arithmetic.js';
import { parseNetDev } from './net-dev.js';
import { cgroupPathOf } from './proc-cgroup.js';
import { createStatsSampler, type StatsCounters } from './stats-sampler.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOST_MEMORY = 8 * GiB;

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
  eth0:    1500      12    0    0    0     0          0         0      648       8    0    0    0     0       0          0
  eth1:     500       2    0    0    0     0          0         0      352       1    0    0    0     0       0          0
`;

/** A procfs look-alike: `PID/cgroup`, `PID/net/dev`, `PID/ns/net` and `self/ns/net`. */
function fakeProc(): {
  root: string;
  add(pid: number, cgroup: string, netns?: string): void;
  remove(pid: number): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'gc-proc-'));
  mkdirSync(join(root, 'self', 'ns'), { recursive: true });
  symlinkSync('net:[4026531840]', join(root, 'self', 'ns', 'net'));
  return {
    root,
    add(pid, cgroup, netns = 'net:[4026532001]') {
      mkdirSync(join(root, String(pid), 'net'), { recursive: true });
      mkdirSync(join(root, String(pid), 'ns'));
      writeFileSync(join(root, String(pid), 'cgroup'), cgroup);
      writeFileSync(join(root, String(pid), 'net', 'dev'), NET_DEV);
      symlinkSync(netns, join(root, String(pid), 'ns', 'net'));
    },
    remove(pid) {
      rmSync(join(root, String(pid)), { recursive: true });
    },
  };
}

const V1_PROC_CGROUP = (path: string) =>
  `9:name=systemd:${path}\n8:pids:${path}\n7:blkio:${path}\n4:memory:${path}\n2:cpuacct:${path}\n1:cpu:${path}\n0::${path}\n`;

interface Setup {
  tree: FakeCgroupTree;
  proc: ReturnType<typeof fakeProc>;
  /** Write a file of the container's cgroup in a hierarchy (`memory`, `unified`...). */
  write(hierarchy: string, file: string, content: string): void;
}

const made: Setup[] = [];
afterEach(() => {
  for (const s of made.splice(0)) {
    s.tree.remove();
    rmSync(s.proc.root, { recursive: true, force: true });
  }
});

/** A container cgroup `/gocontainer/<id>` made as the runtime makes it, with a 64 MiB limit, and its init pid 4242. */
function setup(mode: CgroupMode, limit: number | 'none' = 64 * MiB): Setup {
  const tree = createFakeCgroupTree({ mode });
  const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs: tree.fs });
  manager.create();
  if (limit !== 'none') manager.apply({ memory: { limit } });
  const proc = fakeProc();
  proc.add(4242, mode === 'v2' ? '0::/gocontainer/c1\n' : V1_PROC_CGROUP('/gocontainer/c1'));
  const s: Setup = {
    tree,
    proc,
    write(hierarchy, file, content) {
      const dir = manager.dirs[hierarchy];
      if (dir === undefined) throw new Error(`no ${hierarchy} in ${Object.keys(manager.dirs).join(' ')}`);
      writeFileSync(join(dir, file), content);
    },
  };
  made.push(s);
  return s;
}

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const TARGET = { id: 'c1', pid: 4242 };

describe('the stats sampler, on a cgroup v1 (hybrid) tree', () => {
  it("reads memory less total_inactive_file, the limit, CPU %, pids, block and net I/O as Docker's", () => {
    const s = setup('hybrid');
    s.write('memory', 'memory.usage_in_bytes', String(30 * MiB));
    s.write('memory', 'memory.stat', `cache ${12 * MiB}\nrss ${18 * MiB}\ntotal_inactive_file ${10 * MiB}\n`);
    s.write('cpuacct', 'cpuacct.usage', '2000000000');
    s.write('pids', 'pids.current', '3');
    s.write(
      'blkio',
      'blkio.throttle.io_service_bytes_recursive',
      '8:0 Read 4096\n8:0 Write 8192\n8:16 Read 1024\n8:16 Write 0\nTotal 13312\n',
    );
    const c = clock();
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
      now: c.now,
    });
    const first = sampler.read([TARGET]);
    // Half a CPU for 200 ms.
    c.advance(200);
    s.write('cpuacct', 'cpuacct.usage', String(2_000_000_000 + 100_000_000));
    const stats = sampler.compute(['c1'], first, sampler.read([TARGET])).get('c1');
    expect(stats).toEqual({
      cpuPercent: 50,
      memoryUsage: 20 * MiB,
      memoryLimit: 64 * MiB,
      memoryPercent: 31.25,
      netRx: 2000,
      netTx: 1000,
      blockRead: 5120,
      blockWrite: 8192,
      pids: 3,
    });
  });

  it('shows the host memory as the limit of a container without one, and CPU % 0 on a first pass', () => {
    const s = setup('v1', 'none');
    s.write('memory', 'memory.usage_in_bytes', String(2 * GiB));
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
    });
    const stats = sampler.compute(['c1'], undefined, sampler.read([TARGET])).get('c1');
    expect(stats?.memoryLimit).toBe(HOST_MEMORY);
    expect(stats?.memoryPercent).toBe(25);
    expect(stats?.cpuPercent).toBe(0);
  });
});

describe('the stats sampler, on a cgroup v2 tree', () => {
  it('reads memory.current less inactive_file, memory.max, cpu.stat, io.stat, pids.current', () => {
    const s = setup('v2', 256 * MiB);
    s.write('unified', 'memory.current', String(100 * MiB));
    s.write('unified', 'memory.stat', `anon ${60 * MiB}\nfile ${40 * MiB}\ninactive_file ${36 * MiB}\n`);
    s.write('unified', 'cpu.stat', 'usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\n');
    s.write('unified', 'pids.current', '7');
    s.write('unified', 'io.stat', '8:0 rbytes=1000000 wbytes=2500000 rios=10 wios=20 dbytes=0 dios=0\n');
    const c = clock();
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
      now: c.now,
    });
    // A first pass needs only the CPU time: the rest comes from the second.
    const first = sampler.read([TARGET], { cpuOnly: true });
    expect(first.get('c1')).toMatchObject({ cpuUsageNs: 5_000_000_000, pids: 0, memory: { usage: 0 } });
    // Two CPUs busy for a second: 200 %, as Docker counts (of one CPU).
    c.advance(1000);
    s.write('unified', 'cpu.stat', 'usage_usec 7000000\nuser_usec 6000000\nsystem_usec 1000000\n');
    const stats = sampler.compute(['c1'], first, sampler.read([TARGET])).get('c1');
    expect(stats).toEqual({
      cpuPercent: 200,
      memoryUsage: 64 * MiB,
      memoryLimit: 256 * MiB,
      memoryPercent: 25,
      netRx: 2000,
      netTx: 1000,
      blockRead: 1_000_000,
      blockWrite: 2_500_000,
      pids: 7,
    });
  });

  it('caps a limit above the host memory at it, as Docker', () => {
    const s = setup('v2', 64 * GiB);
    s.write('unified', 'memory.current', String(GiB));
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
    });
    expect(sampler.compute(['c1'], undefined, sampler.read([TARGET])).get('c1')?.memoryLimit).toBe(HOST_MEMORY);
  });

  it("counts no network I/O for a container in the sampler's own network namespace (host network)", () => {
    const s = setup('v2');
    s.proc.add(77, '0::/gocontainer/c1\n', 'net:[4026531840]');
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
    });
    const stats = sampler.compute(['c1'], undefined, sampler.read([{ id: 'c1', pid: 77 }]));
    expect(stats.get('c1')).toMatchObject({ netRx: 0, netTx: 0 });
  });

  it('reads many containers in one pass, and shows one whose init has gone with zeros', () => {
    const s = setup('v2');
    const targets = [TARGET];
    for (let i = 2; i <= 5; i++) {
      createCgroupManager({ id: `c${i}`, layout: s.tree.layout, fs: s.tree.fs }).create();
      writeFileSync(join(s.tree.root, 'gocontainer', `c${i}`, 'pids.current'), String(i));
      s.proc.add(5000 + i, `0::/gocontainer/c${i}\n`);
      targets.push({ id: `c${i}`, pid: 5000 + i });
    }
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
    });
    const first = sampler.read(targets);
    expect([...first.keys()]).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    s.proc.remove(5003);
    const stats = sampler.compute(
      targets.map((t) => t.id),
      first,
      sampler.read(targets),
    );
    expect([...stats.values()].map((x) => x.pids)).toEqual([0, 2, 0, 4, 5]);
    expect(stats.get('c3')).toEqual({
      cpuPercent: 0,
      memoryUsage: 0,
      memoryLimit: 0,
      memoryPercent: 0,
      netRx: 0,
      netTx: 0,
      blockRead: 0,
      blockWrite: 0,
      pids: 0,
    });
  });

  it('names the container and the file when its init is in no container cgroup', () => {
    const s = setup('v2');
    s.proc.add(99, '0::/\n');
    const sampler = createStatsSampler({
      layout: s.tree.layout,
      fs: s.tree.fs,
      proc: s.proc.root,
      hostMemory: HOST_MEMORY,
    });
    expect(() => sampler.read([{ id: 'abcdef0123456789', pid: 99 }])).toThrow(
      `container abcdef012345: its init (pid 99) is in no container cgroup (${s.proc.root}/99/cgroup)`,
    );
  });
});

describe("Docker's arithmetic", () => {
  const at = (ms: number, cpuUsageNs: number): StatsCounters => ({
    at: ms,
    cpuUsageNs,
    memory: { usage: 0, inactiveFile: undefined, limit: undefined },
    pids: 0,
    blockRead: 0,
    blockWrite: 0,
    net: { rxBytes: 0, txBytes: 0 },
  });

  it('CPU %: CPU time over elapsed time, 0 when either did not grow', () => {
    expect(cpuPercent(at(0, 0), at(100, 25_000_000))).toBe(25);
    expect(cpuPercent(at(0, 5), at(100, 5))).toBe(0);
    expect(cpuPercent(at(100, 0), at(100, 5))).toBe(0);
  });

  it('memory: usage less inactive file pages only when there are fewer of them', () => {
    expect(memoryUsage({ usage: 100, inactiveFile: 30, limit: undefined })).toBe(70);
    expect(memoryUsage({ usage: 100, inactiveFile: 130, limit: undefined })).toBe(100);
    expect(memoryUsage({ usage: 100, inactiveFile: undefined, limit: undefined })).toBe(100);
    expect(memoryLimit({ usage: 0, inactiveFile: undefined, limit: 10 }, 100)).toBe(10);
    expect(memoryLimit({ usage: 0, inactiveFile: undefined, limit: undefined }, 100)).toBe(100);
  });
});

describe('procfs files', () => {
  it("finds the container's cgroup path in /proc/PID/cgroup on v1, hybrid and v2 hosts", () => {
    const v1 = '12:cpu,cpuacct:/gocontainer/a\n5:memory:/gocontainer/a\n1:name=systemd:/\n0::/\n';
    expect(cgroupPathOf(v1)).toBe('/gocontainer/a');
    expect(cgroupPathOf('3:pids:/x\n1:name=systemd:/\n0::/y\n')).toBe('/x');
    expect(cgroupPathOf('0::/gocontainer/b:c\n')).toBe('/gocontainer/b:c');
    // A v2 host with a named v1 hierarchy mounted (no controllers in it).
    expect(cgroupPathOf('1:name=systemd:/\n0::/gocontainer/d\n')).toBe('/gocontainer/d');
    expect(cgroupPathOf('1:name=systemd:/\n')).toBeUndefined();
  });

  it('sums net/dev over every interface but loopback', () => {
    expect(parseNetDev(NET_DEV)).toEqual({ rxBytes: 2000, txBytes: 1000 });
    expect(parseNetDev('')).toEqual({ rxBytes: 0, txBytes: 0 });
  });
});
