import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCgroupManager } from '@gc/cgroups';
import { createFakeCgroupTree, type FakeCgroupTree } from '@gc/cgroups/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { toRuncStats } from './runc-stats.js';

let trees: FakeCgroupTree[] = [];
afterEach(() => {
  for (const t of trees) t.remove();
  trees = [];
});

function cgroup(mode: 'v1' | 'v2') {
  const tree = createFakeCgroupTree({ mode });
  trees.push(tree);
  const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs: tree.fs });
  manager.create();
  const w = (file: string, text: string) => writeFileSync(join(tree.root, file), text);
  return { manager, w };
}

describe("toRuncStats: runc's events data from the cgroup's files", () => {
  it('v1: nanoseconds, memsw as swap, per-cpu and per-device, zeros left out as Go does', () => {
    const { manager, w } = cgroup('v1');
    w('cpuacct/gocontainer/c1/cpuacct.usage', '3000000');
    w('cpuacct/gocontainer/c1/cpuacct.usage_percpu', '2000000 1000000\n');
    w('cpuacct/gocontainer/c1/cpuacct.stat', 'user 1\nsystem 2\n');
    w('cpu/gocontainer/c1/cpu.stat', 'nr_periods 10\nnr_throttled 0\nthrottled_time 0\n');
    w('memory/gocontainer/c1/memory.usage_in_bytes', '4096');
    w('memory/gocontainer/c1/memory.max_usage_in_bytes', '8192');
    w('memory/gocontainer/c1/memory.limit_in_bytes', '1048576');
    w('memory/gocontainer/c1/memory.failcnt', '3');
    w('memory/gocontainer/c1/memory.memsw.usage_in_bytes', '5000');
    w('memory/gocontainer/c1/memory.memsw.limit_in_bytes', '2097152');
    w('memory/gocontainer/c1/memory.stat', 'cache 1024\nrss 3072\n');
    w('pids/gocontainer/c1/pids.current', '2');
    w('blkio/gocontainer/c1/blkio.throttle.io_service_bytes_recursive', '8:0 Read 10\n8:0 Write 0\nTotal 10\n');
    expect(toRuncStats(manager.stats())).toEqual({
      cpu: {
        usage: { total: 3_000_000, percpu: [2_000_000, 1_000_000], kernel: 20_000_000, user: 10_000_000 },
        throttling: { periods: 10 },
      },
      memory: {
        cache: 1024,
        usage: { limit: 1048576, usage: 4096, max: 8192, failcnt: 3 },
        swap: { limit: 2097152, usage: 5000, failcnt: 0 },
        kernel: { limit: 0, failcnt: 0 },
        kernelTCP: { limit: 0, failcnt: 0 },
        raw: { cache: 1024, rss: 3072 },
      },
      // No limit: 0, left out.
      pids: { current: 2 },
      blkio: {
        ioServiceBytesRecursive: [
          { major: 8, op: 'Read', value: 10 },
          { major: 8, op: 'Write' },
        ],
        ioServicedRecursive: [
          { major: 8, op: 'Read' },
          { major: 8, op: 'Write' },
        ],
      },
      hugetlb: {},
      intel_rdt: {},
      network_interfaces: null,
    });
  });

  it('v2: swap as memory + swap, as runc reports it, and the pids limit', () => {
    const { manager, w } = cgroup('v2');
    w(
      'gocontainer/c1/cpu.stat',
      'usage_usec 5\nuser_usec 3\nsystem_usec 2\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
    );
    w('gocontainer/c1/memory.current', '4096');
    w('gocontainer/c1/memory.max', '1048576');
    w('gocontainer/c1/memory.swap.current', '100');
    w('gocontainer/c1/memory.swap.max', '1048576');
    w('gocontainer/c1/memory.stat', 'anon 3072\nfile 1024\n');
    w('gocontainer/c1/pids.current', '3');
    w('gocontainer/c1/pids.max', '64');
    w('gocontainer/c1/io.stat', '8:16 rbytes=512 wbytes=1024 rios=1 wios=2 dbytes=0 dios=0\n');
    const s = toRuncStats(manager.stats());
    expect(s.cpu.usage).toEqual({ total: 5000, kernel: 2000, user: 3000 });
    expect(s.memory.cache).toBe(1024);
    expect(s.memory.usage).toEqual({ limit: 1048576, usage: 4096, failcnt: 0 });
    expect(s.memory.swap).toEqual({ limit: 2097152, usage: 4196, failcnt: 0 });
    expect(s.pids).toEqual({ current: 3, limit: 64 });
    expect(s.blkio.ioServicedRecursive).toEqual([
      { major: 8, minor: 16, op: 'Read', value: 1 },
      { major: 8, minor: 16, op: 'Write', value: 2 },
    ]);
  });
});
