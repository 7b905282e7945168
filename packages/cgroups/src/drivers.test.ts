import { closeSync, existsSync, readdirSync, readlinkSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI, BPF_PROG_TYPE_CGROUP_DEVICE } from '@gc/syscall';
import { FakeKernel } from '@gc/syscall/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { CgroupFs } from './cgroup-fs.js';
import { createCgroupManager } from './create-manager.js';
import { decodeInsns } from './devices/ebpf.js';
import { deviceContext, runBpf } from './devices/interpreter.js';
import { ACCESS_READ, ACCESS_WRITE } from './devices/rule.js';
import { CgroupError } from './errors.js';
import type { CgroupMode } from './layout.js';
import { createFakeCgroupTree, type FakeCgroupTree } from './testing/index.js';

let trees: FakeCgroupTree[] = [];
let killed: number[] = [];
afterEach(() => {
  for (const t of trees) t.remove();
  trees = [];
  killed = [];
});

function setup(mode: CgroupMode, opts: { swapAccounting?: boolean } = {}) {
  const tree = createFakeCgroupTree({ mode, ...opts });
  trees.push(tree);
  const manager = createCgroupManager({
    id: 'c1',
    layout: tree.layout,
    fs: tree.fs,
    timeoutMs: 500,
    // Fake pids must never reach kill(2).
    killProcess: (pid) => killed.push(pid),
  });
  return { tree, manager };
}

describe('CgroupV2Manager (temp-dir cgroupfs)', () => {
  it('attaches the device rules as an eBPF program to the cgroup, and closes the fds', () => {
    const tree = createFakeCgroupTree({ mode: 'v2' });
    trees.push(tree);
    const kernel = new FakeKernel();
    const dirFds: number[] = [];
    const closed: number[] = [];
    const fs: CgroupFs = {
      ...tree.fs,
      openDir: (path) => {
        dirFds.push(tree.fs.openDir(path));
        return dirFds.at(-1) as number;
      },
      close: (fd) => {
        closed.push(fd);
        tree.fs.close(fd);
      },
    };
    const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs, kernel });
    manager.create();
    manager.apply({
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
      ],
    });
    const [load] = kernel.callsOf('bpfProgLoad');
    expect(load).toMatchObject({ type: BPF_PROG_TYPE_CGROUP_DEVICE, expectedAttachType: BPF_CGROUP_DEVICE });
    const insns = decodeInsns(load?.insns as Uint8Array);
    const run = (major: number, minor: number) =>
      runBpf(insns, deviceContext({ type: 'c', major, minor, access: ACCESS_READ | ACCESS_WRITE }));
    expect([run(1, 3), run(4, 1), run(10, 229)]).toEqual([1, 0, 0]);
    const progFd = kernel.calls.find((c) => c.call === 'bpfProgLoad')?.result as number;
    expect(kernel.callsOf('bpfProgAttach')).toEqual([
      { targetFd: dirFds[0], progFd, attachType: BPF_CGROUP_DEVICE, flags: BPF_F_ALLOW_MULTI },
    ]);
    // The attachment holds the program: our fd for it, and the directory's, are closed.
    expect(kernel.openFds.has(progFd)).toBe(false);
    expect(closed).toEqual(dirFds);
  });

  it('names the device filter step when the kernel refuses it', () => {
    const tree = createFakeCgroupTree({ mode: 'v2' });
    trees.push(tree);
    const kernel = new FakeKernel().fail({ syscall: 'bpfProgAttach', errno: 'EPERM' });
    const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs: tree.fs, kernel });
    manager.create();
    expect(() => manager.apply({ devices: [] })).toThrow(
      `linux.resources.devices: attach the device filter to ${tree.root}/gocontainer/c1 (cgroups): EPERM`,
    );
    expect(kernel.openFds.size).toBe(0);
  });

  it('creates nested cgroups with controllers enabled on the way, and removes what it made', async () => {
    const { tree, manager } = setup('v2');
    expect(manager.driver).toBe('v2');
    manager.create();
    expect(tree.read('gocontainer/cgroup.subtree_control').split(' ').sort()).toEqual(
      ['cpu', 'cpuset', 'hugetlb', 'io', 'memory', 'pids', 'rdma'].sort(),
    );
    expect(tree.read('gocontainer/c1/cgroup.controllers')).toContain('memory');
    await manager.join(4242);
    expect(tree.read('gocontainer/c1/cgroup.procs')).toBe('4242\n');
    await manager.destroy();
    expect(existsSync(join(tree.root, 'gocontainer'))).toBe(false);
  });

  it('writes OCI resources into the v2 files', () => {
    const { tree, manager } = setup('v2');
    manager.create();
    manager.apply({
      memory: { limit: 100 << 20, swap: 300 << 20, reservation: 50 << 20 },
      cpu: { shares: 1024, quota: 50000, period: 100000, burst: 1000, cpus: '0-1', mems: '0', idle: 0 },
      pids: { limit: 64 },
      blockIO: { weight: 500, throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }] },
      hugepageLimits: [{ pageSize: '2MB', limit: 4 << 21 }],
      rdma: { mlx5_0: { hcaHandles: 3, hcaObjects: 100 } },
      unified: { 'memory.high': '90000000' },
    });
    const r = (f: string) => tree.read(`gocontainer/c1/${f}`);
    expect(r('memory.max')).toBe(String(100 << 20));
    expect(r('memory.swap.max')).toBe(String(200 << 20)); // memory+swap - memory
    expect(r('memory.low')).toBe(String(50 << 20));
    expect(r('cpu.weight')).toBe('100');
    expect(r('cpu.max')).toBe('50000 100000');
    expect(r('cpu.max.burst')).toBe('1000');
    expect(r('cpuset.cpus')).toBe('0-1');
    expect(r('pids.max')).toBe('64');
    expect(r('io.weight')).toBe('default 4950');
    expect(r('io.max')).toBe('8:0 rbps=1048576');
    expect(r('hugetlb.2MB.max')).toBe(String(4 << 21));
    expect(r('rdma.max')).toBe('mlx5_0 hca_handle=3 hca_object=100');
    expect(r('memory.high')).toBe('90000000');
  });

  it('names the field it cannot apply', () => {
    const { manager } = setup('v2');
    manager.create();
    const cases: [object, string][] = [
      [
        { memory: { swappiness: 10 } },
        'linux.resources.memory.swappiness: not supported on this host (cgroup v2 has no per-cgroup swappiness)',
      ],
      [{ memory: { kernel: 1 << 20 } }, 'linux.resources.memory.kernel: not supported on this host'],
      [{ cpu: { realtimeRuntime: 1000 } }, 'linux.resources.cpu.realtimeRuntime: not supported on this host'],
      [
        { network: { classID: 1 } },
        'linux.resources.network.classID: not supported on this host (cgroup v2 has no net_cls controller)',
      ],
      [
        { unified: { 'misc.max': 'x' } },
        'linux.resources.unified["misc.max"]: not supported on this host (the misc controller is not available',
      ],
      [
        { unified: { '../etc/passwd': 'x' } },
        'linux.resources.unified["../etc/passwd"]: expected a cgroup v2 file name',
      ],
      [
        { hugepageLimits: [{ pageSize: '16GB', limit: 1 }] },
        'linux.resources.hugepageLimits[0].pageSize: not supported on this host (16GB is not a huge page size',
      ],
      [{ cpu: { shares: 1 } }, 'linux.resources.cpu.shares: expected an integer from 2 to 262144, got 1'],
    ];
    for (const [resources, message] of cases) {
      expect(() => manager.apply(resources), message).toThrow(message);
    }
  });

  it('says when swap accounting is off', () => {
    const { tree, manager } = setup('v2');
    manager.create();
    rmSync(join(tree.root, 'gocontainer/c1/memory.swap.max'));
    expect(() => manager.apply({ memory: { limit: 100, swap: 200 } })).toThrow(
      'linux.resources.memory.swap: not supported on this host (no memory.swap.max: swap accounting is off)',
    );
  });

  it('reports a failed write with the file and the value', () => {
    const { tree, manager } = setup('v2');
    manager.create();
    rmSync(join(tree.root, 'gocontainer/c1/pids.max'));
    expect(() => manager.apply({ pids: { limit: 10 } })).toThrow(
      `linux.resources.pids.limit: write "10" to ${tree.root}/gocontainer/c1/pids.max (cgroups): ENOENT`,
    );
  });

  it('freezes, reads stats and OOM kills, kills all and destroys', async () => {
    const { tree, manager } = setup('v2');
    manager.create();
    await manager.join(1234);
    expect(manager.frozen()).toBe(false);
    await manager.freeze();
    expect(tree.read('gocontainer/c1/cgroup.events')).toContain('frozen 1');
    expect(manager.frozen()).toBe(true);
    await manager.thaw();
    expect(manager.frozen()).toBe(false);
    // A freeze asked for by someone else (a write to cgroup.freeze) is seen too.
    writeFileSync(join(tree.root, 'gocontainer/c1/cgroup.freeze'), '1');
    expect(manager.frozen()).toBe(true);
    await manager.thaw();
    writeFileSync(join(tree.root, 'gocontainer/c1/memory.events'), 'max 3\noom 1\noom_kill 1\n');
    expect(manager.oomKilled()).toBe(true);
    expect(manager.stats().memory?.events).toEqual({ oom: 1, oomKill: 1, max: 3 });
    expect(manager.pids()).toEqual([1234]);
    await manager.killAll();
    expect(manager.pids()).toEqual([]);
    await manager.destroy();
    expect(existsSync(join(tree.root, 'gocontainer'))).toBe(false);
  });

  it('opens the cgroup directory for CLONE_INTO_CGROUP', () => {
    const { manager } = setup('v2');
    manager.create();
    const fd = manager.openDirFd();
    expect(fd).toBeGreaterThan(2);
    closeSync(fd as number);
  });
});

describe('CgroupV1Manager (temp-dir cgroupfs)', () => {
  it('creates the cgroup in every hierarchy, copies cpuset down, joins all, removes all', async () => {
    const { tree, manager } = setup('v1');
    expect(manager.driver).toBe('v1');
    manager.create();
    expect(tree.read('cpuset/gocontainer/c1/cpuset.cpus')).toBe('0-1');
    expect(tree.read('cpuset/gocontainer/cpuset.mems')).toBe('0');
    await manager.join(77);
    for (const c of ['memory', 'cpu', 'pids', 'freezer', 'systemd']) {
      expect(tree.read(`${c}/gocontainer/c1/cgroup.procs`)).toBe('77\n');
    }
    expect(manager.openDirFd()).toBeUndefined();
    writeFileSync(join(tree.root, 'memory/gocontainer/c1/cgroup.procs'), '');
    for (const c of ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'freezer', 'devices', 'blkio', 'systemd']) {
      writeFileSync(join(tree.root, `${c}/gocontainer/c1/cgroup.procs`), '');
    }
    await manager.destroy();
    for (const c of ['memory', 'cpu', 'cpuset', 'systemd'])
      expect(existsSync(join(tree.root, c, 'gocontainer'))).toBe(false);
  });

  it('writes OCI resources into the v1 files, memsw after the limit when lowering', () => {
    const { tree, manager } = setup('v1');
    manager.create();
    manager.apply({
      memory: { limit: 100 << 20, swap: 200 << 20, reservation: 50 << 20, swappiness: 0, disableOOMKiller: true },
      cpu: { shares: 512, quota: 20000, period: 100000, cpus: '0', mems: '0', idle: 1 },
      pids: { limit: -1 },
      blockIO: { throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 100 }] },
    });
    const r = (f: string) => tree.read(`${f}`);
    expect(r('memory/gocontainer/c1/memory.limit_in_bytes')).toBe(String(100 << 20));
    expect(r('memory/gocontainer/c1/memory.memsw.limit_in_bytes')).toBe(String(200 << 20));
    expect(r('memory/gocontainer/c1/memory.soft_limit_in_bytes')).toBe(String(50 << 20));
    expect(r('memory/gocontainer/c1/memory.swappiness')).toBe('0');
    expect(r('memory/gocontainer/c1/memory.oom_control')).toBe('1');
    expect(r('cpu/gocontainer/c1/cpu.shares')).toBe('512');
    expect(r('cpu/gocontainer/c1/cpu.cfs_quota_us')).toBe('20000');
    expect(r('cpu/gocontainer/c1/cpu.idle')).toBe('1');
    expect(r('cpuset/gocontainer/c1/cpuset.cpus')).toBe('0');
    expect(r('pids/gocontainer/c1/pids.max')).toBe('max');
    expect(r('blkio/gocontainer/c1/blkio.throttle.write_iops_device')).toBe('8:16 100');
  });

  it('writes device rules as runc does: devices.deny a, then one line per rule in order', () => {
    const { tree, manager } = setup('v1');
    const writes: string[] = [];
    const write = tree.fs.writeFile;
    tree.fs.writeFile = (path, data) => {
      if (path.includes('/devices.')) writes.push(`${path.slice(tree.root.length + 1)} ${data}`);
      write(path, data);
    };
    manager.create();
    manager.apply({
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
        { allow: true, type: 'a', minor: 7, access: 'm' },
        { allow: false, type: 'c', major: 1, minor: 3, access: 'w' },
      ],
    });
    const d = 'devices/gocontainer/c1';
    expect(writes).toEqual([
      `${d}/devices.deny a`,
      `${d}/devices.allow c 1:3 rw`,
      `${d}/devices.allow b *:7 m`,
      `${d}/devices.allow c *:7 m`,
      `${d}/devices.deny c 1:3 w`,
    ]);
  });

  it('refuses device rules that cgroup v1 would read otherwise, naming the device', () => {
    const { tree, manager } = setup('v1');
    manager.create();
    // v1 keeps c 4:1 open here: its deny only narrows an allow of the very same c 4:1.
    expect(() =>
      manager.apply({
        devices: [
          { allow: true, type: 'c', access: 'rwm' },
          { allow: false, type: 'c', major: 4, minor: 1, access: 'rw' },
        ],
      }),
    ).toThrow(
      "linux.resources.devices: not supported on this host (cgroup v1's devices controller would decide character device 4:1 (r)",
    );
    expect(tree.read('devices/gocontainer/c1/devices.allow')).toBe('');
    expect(() => manager.apply({ devices: [{ allow: true, type: 'x' }] })).toThrow(
      'linux.resources.devices[0].type: expected "a", "b" or "c", got "x"',
    );
  });

  it('names what this v1 host cannot do', () => {
    const { manager } = setup('v1', { swapAccounting: false });
    manager.create();
    expect(() => manager.apply({ memory: { limit: 1 << 20, swap: 2 << 20 } })).toThrow(
      'linux.resources.memory.swap: not supported on this host (no memory.memsw.limit_in_bytes: swap accounting is off)',
    );
    expect(() => manager.apply({ blockIO: { weight: 500 } })).toThrow(
      'linux.resources.blockIO.weight: not supported on this host (no blkio.weight or blkio.bfq.weight: no proportional I/O scheduler)',
    );
    expect(() => manager.apply({ hugepageLimits: [{ pageSize: '2MB', limit: 1 }] })).toThrow(
      'linux.resources.hugepageLimits[0]: not supported on this host (no hugetlb cgroup hierarchy is mounted)',
    );
    expect(() => manager.apply({ unified: { 'memory.high': '1' } })).toThrow(
      'linux.resources.unified: not supported on this host (a cgroup v1 host has no cgroup v2 files)',
    );
  });

  it('reads v1 stats and OOM kills', async () => {
    const { tree, manager } = setup('v1');
    manager.create();
    const w = (f: string, v: string) => writeFileSync(join(tree.root, f), v);
    w('memory/gocontainer/c1/memory.usage_in_bytes', '4096');
    w('memory/gocontainer/c1/memory.limit_in_bytes', '1048576');
    w('memory/gocontainer/c1/memory.failcnt', '7');
    w('memory/gocontainer/c1/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
    w('cpuacct/gocontainer/c1/cpuacct.usage', '2500000');
    w('cpu/gocontainer/c1/cpu.stat', 'nr_periods 10\nnr_throttled 4\nthrottled_time 3000000\n');
    w('blkio/gocontainer/c1/blkio.throttle.io_service_bytes_recursive', '8:0 Read 10\n8:0 Write 20\nTotal 30\n');
    w('cpuacct/gocontainer/c1/cpuacct.usage_percpu', '2000000 500000 \n');
    w('memory/gocontainer/c1/memory.stat', 'cache 8192\nrss 4096\n');
    const s = manager.stats();
    expect(s.cpu?.perCpuUsec).toEqual([2000, 500]);
    expect(s.memory?.raw).toEqual({ cache: 8192, rss: 4096 });
    expect(s.io?.devices).toEqual([{ major: 8, minor: 0, readBytes: 10, writeBytes: 20, readOps: 0, writeOps: 0 }]);
    expect(s.memory).toMatchObject({ usage: 4096, limit: 1048576, events: { oomKill: 1, max: 7 } });
    expect(s.cpu).toMatchObject({ usageUsec: 2500, periods: 10, throttledPeriods: 4, throttledUsec: 3000 });
    expect(s.pids).toEqual({ current: 0, limit: undefined });
    expect(s.io).toMatchObject({ readBytes: 10, writeBytes: 20 });
    expect(manager.oomKilled()).toBe(true);
    await manager.freeze();
    expect(tree.read('freezer/gocontainer/c1/freezer.state')).toBe('FROZEN');
    expect(manager.frozen()).toBe(true);
    await manager.thaw();
    expect(tree.read('freezer/gocontainer/c1/freezer.state')).toBe('THAWED');
    expect(manager.frozen()).toBe(false);
    // Frozen by someone else, still on its way (FREEZING), counts as frozen.
    w('freezer/gocontainer/c1/freezer.state', 'FREEZING');
    expect(manager.frozen()).toBe(true);
    w('freezer/gocontainer/c1/freezer.state', 'THAWED');
    await manager.destroy();
    expect(manager.frozen()).toBe(false);
  });

  it('gives up on a cgroup that stays busy, naming the pids', async () => {
    const { manager } = setup('v1');
    manager.create();
    await manager.join(31337); // never signalled: the recorder stands in for kill(2)
    await expect(manager.destroy()).rejects.toThrow('kill the processes of the cgroup: 31337 still there after 500 ms');
    expect(killed.length > 0 && killed.every((pid) => pid === 31337)).toBe(true);
  });
});

describe('CgroupHybridManager (temp-dir cgroupfs)', () => {
  it('puts v1 controllers on v1 and the rest on the cgroup2 mount, joining both', async () => {
    const { tree, manager } = setup('hybrid');
    expect(manager.driver).toBe('hybrid');
    manager.create();
    manager.apply({ memory: { limit: 1 << 30 }, hugepageLimits: [{ pageSize: '2MB', limit: 2 << 21 }] });
    expect(tree.read('memory/gocontainer/c1/memory.limit_in_bytes')).toBe(String(1 << 30));
    expect(tree.read('unified/gocontainer/c1/hugetlb.2MB.max')).toBe(String(2 << 21));
    expect(tree.read('unified/cgroup.subtree_control')).toBe('hugetlb');
    expect(() => manager.apply({ rdma: { mlx5_0: { hcaHandles: 1 } } })).toThrow(
      'linux.resources.rdma["mlx5_0"]: not supported on this host (the rdma controller is not available on this host\'s cgroup v2 mount (it has: hugetlb))',
    );
    expect(() => manager.apply({ unified: { 'memory.max': '1' } })).toThrow(
      /linux.resources.unified\["memory.max"\]: not supported/,
    );
    await manager.join(99);
    expect(tree.read('unified/gocontainer/c1/cgroup.procs')).toBe('99\n');
    expect(Object.keys(manager.dirs)).toContain('unified');
  });
});

describe('createCgroupManager', () => {
  it('refuses the systemd driver', () => {
    expect(() => createCgroupManager({ id: 'x', driver: 'systemd' })).toThrow(
      'systemd cgroup driver is not supported yet',
    );
    try {
      createCgroupManager({ cgroupsPath: 'user.slice:gc:x' });
    } catch (e) {
      expect(CgroupError.isInstance(e) && e.code).toBe('ESYSTEMD');
    }
  });
});

/** A manager on a fake tree whose fs records the reads and the directory listings. */
function recorded(mode: CgroupMode) {
  const tree = createFakeCgroupTree({ mode });
  trees.push(tree);
  const reads: string[] = [];
  const listed: string[] = [];
  const fs: CgroupFs = {
    ...tree.fs,
    readFile: (path) => {
      reads.push(path.slice(tree.root.length + 1));
      return tree.fs.readFile(path);
    },
    subdirs: (path) => {
      listed.push(path.slice(tree.root.length + 1));
      return tree.fs.subdirs(path);
    },
  };
  const manager = createCgroupManager({
    id: 'c1',
    layout: tree.layout,
    fs,
    timeoutMs: 300,
    killProcess: (pid) => killed.push(pid),
  });
  return { tree, manager, reads, listed };
}

/** Does `path` exist, in each hierarchy of the tree? */
const everywhere = (tree: FakeCgroupTree, path: string) =>
  [...new Set([...Object.values(tree.layout.v1), ...(tree.layout.unified ? [tree.layout.unified] : [])])].map((m) =>
    existsSync(join(m, path)),
  );

/** The directory of `path` in each hierarchy of the tree. */
const everywhereDirs = (tree: FakeCgroupTree, path: string) =>
  [...new Set([...Object.values(tree.layout.v1), ...(tree.layout.unified ? [tree.layout.unified] : [])])].map((m) =>
    join(m, path),
  );

describe('destroy', () => {
  for (const mode of ['v1', 'hybrid', 'v2'] as const) {
    it(`${mode}: removes an empty cgroup with one rmdir per hierarchy, reading no pids`, async () => {
      const { tree, manager, reads, listed } = recorded(mode);
      manager.create();
      reads.length = 0;
      await manager.destroy();
      expect(reads).toEqual([]);
      expect(listed).toEqual([]);
      expect(everywhere(tree, 'gocontainer').every((e) => !e)).toBe(true);
    });
  }

  it('v2: kills what is left through cgroup.kill, then removes the cgroup', async () => {
    const { tree, manager } = recorded('v2');
    manager.create();
    await manager.join(31337);
    await manager.destroy();
    expect(killed).toEqual([]);
    expect(existsSync(join(tree.root, 'gocontainer'))).toBe(false);
  });

  for (const mode of ['v1', 'hybrid'] as const) {
    it(`${mode}: fails clearly on a cgroup still holding a process, and removes nothing`, async () => {
      const { tree, manager } = recorded(mode);
      manager.create();
      await manager.join(31337); // a fake pid: the recorder stands in for kill(2), so it never dies
      await expect(manager.destroy()).rejects.toThrow(/31337/);
      expect(killed.length > 0 && killed.every((pid) => pid === 31337)).toBe(true);
      expect(everywhere(tree, 'gocontainer/c1').every(Boolean)).toBe(true);
    });
  }

  it('kills what is left, then removes child cgroups leaf first, in every hierarchy', async () => {
    const tree = createFakeCgroupTree({ mode: 'hybrid' });
    trees.push(tree);
    const scope = 'systemd/gocontainer/c1/init.scope';
    // SIGKILL, as the kernel would carry it out: the process leaves every cgroup.
    let wholeAtKill = false;
    const kill = (pid: number) => {
      killed.push(pid);
      wholeAtKill = everywhere(tree, 'gocontainer/c1').every(Boolean);
      for (const dir of [...Object.values(manager.dirs), join(tree.root, scope)]) {
        writeFileSync(join(dir, 'cgroup.procs'), '');
      }
    };
    const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs: tree.fs, killProcess: kill });
    manager.create();
    // As systemd inside a container leaves it: the process in a child cgroup of one hierarchy, in the cgroup elsewhere.
    await manager.join(4711);
    tree.fs.mkdir(join(tree.root, scope));
    writeFileSync(join(tree.root, 'systemd/gocontainer/c1/cgroup.procs'), '');
    tree.fs.writeFile(join(tree.root, scope, 'cgroup.procs'), '4711');
    await manager.destroy();
    expect(killed).toContain(4711);
    // Nothing was removed before the kill (so it could freeze first).
    expect(wholeAtKill).toBe(true);
    expect(everywhere(tree, 'gocontainer').every((e) => !e)).toBe(true);
  });

  it('removes child cgroups a container left, with no process in them', async () => {
    const { tree, manager } = recorded('v1');
    manager.create();
    tree.fs.mkdir(join(tree.root, 'memory/gocontainer/c1/sub'));
    await manager.destroy();
    expect(killed).toEqual([]);
    expect(everywhere(tree, 'gocontainer').every((e) => !e)).toBe(true);
  });

  it('is a no-op on a cgroup never created, and leaves a parent it did not make', async () => {
    const { tree, manager } = recorded('hybrid');
    await manager.destroy();
    const other = createCgroupManager({ id: 'c2', layout: tree.layout, fs: tree.fs });
    other.create();
    manager.create();
    await manager.destroy();
    expect(everywhere(tree, 'gocontainer/c1').some(Boolean)).toBe(false);
    expect(everywhere(tree, 'gocontainer/c2').every(Boolean)).toBe(true);
    await other.destroy();
    expect(everywhere(tree, 'gocontainer').some(Boolean)).toBe(false);
  });
});

describe('parents', () => {
  for (const mode of ['v1', 'hybrid', 'v2'] as const) {
    it(`${mode}: the last container to leave a parent removes it, whichever manager made it`, async () => {
      const tree = createFakeCgroupTree({ mode });
      trees.push(tree);
      const make = (id: string) => createCgroupManager({ id, parent: '/gc/sub', layout: tree.layout, fs: tree.fs });
      const [a, b] = [make('a'), make('b')];
      a.create(); // makes /gc and /gc/sub
      b.create();
      await a.destroy();
      expect(everywhere(tree, 'gc/sub/b').every(Boolean)).toBe(true);
      await b.destroy();
      expect(everywhere(tree, 'gc').some(Boolean)).toBe(false);
    });
  }

  it('keeps a parent that was there before, as an administrator made it', async () => {
    const tree = createFakeCgroupTree({ mode: 'v2' });
    trees.push(tree);
    tree.fs.mkdir(join(tree.root, 'admin'));
    const a = createCgroupManager({ id: 'a', parent: '/admin/gc', layout: tree.layout, fs: tree.fs });
    a.create();
    await createCgroupManager({ id: 'b', parent: '/admin/gc', layout: tree.layout, fs: tree.fs }).destroy();
    await a.destroy();
    expect(existsSync(join(tree.root, 'admin/gc'))).toBe(false);
    expect(existsSync(join(tree.root, 'admin'))).toBe(true);
  });

  it('a parent a killed process was making (missingParents) is removed by the last container to leave it', async () => {
    const tree = createFakeCgroupTree({ mode: 'hybrid' });
    trees.push(tree);
    const make = (id: string, madeParents?: readonly string[]) =>
      createCgroupManager({
        id,
        parent: '/gc',
        layout: tree.layout,
        fs: tree.fs,
        ...(madeParents ? { madeParents } : {}),
      });
    const planned = make('dead').missingParents();
    expect(planned).toEqual(everywhereDirs(tree, 'gc'));
    // It made the parents and was killed before it tagged them; another container came in.
    for (const dir of planned) tree.fs.mkdir(dir);
    const live = make('live');
    live.create();
    await make('dead', planned).destroy(); // the sweep of the dead one: the live one is still there
    expect(everywhere(tree, 'gc').every(Boolean)).toBe(true);
    await live.destroy();
    expect(everywhere(tree, 'gc').some(Boolean)).toBe(false);
  });

  it('makes a parent again that the last container of it removed meanwhile', () => {
    const tree = createFakeCgroupTree({ mode: 'v2' });
    trees.push(tree);
    const enoent = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    let races = 2; // mkdir -p, then the one-at-a-time retry, each find the parent gone
    const fs: CgroupFs = {
      ...tree.fs,
      mkdirp: (path) => {
        if (races-- > 0) throw enoent(path);
        return tree.fs.mkdirp?.(path);
      },
      mkdir: (path) => {
        if (races-- > 0) throw enoent(path);
        tree.fs.mkdir(path);
      },
    };
    const a = createCgroupManager({ id: 'a', layout: tree.layout, fs });
    a.create();
    expect(existsSync(join(tree.root, 'gocontainer/a'))).toBe(true);
    expect(tree.fs.getXattr?.(join(tree.root, 'gocontainer'), 'user.gocontainer.parent')).toBe('1');
  });
});

describe('create', () => {
  it('makes only what is missing, and copies cpuset from the nearest ancestor that has it', () => {
    const { tree, manager, reads } = recorded('v1');
    // A parent made by someone else, with its own cpus and no mems yet.
    tree.fs.mkdir(join(tree.root, 'cpuset/gocontainer'));
    writeFileSync(join(tree.root, 'cpuset/gocontainer/cpuset.cpus'), '1');
    manager.create();
    expect(tree.read('cpuset/gocontainer/c1/cpuset.cpus')).toBe('1');
    expect(tree.read('cpuset/gocontainer/cpuset.mems')).toBe('0');
    expect(tree.read('cpuset/gocontainer/c1/cpuset.mems')).toBe('0');
    // The new cgroup's own files are not read: a new cpuset cgroup is empty.
    expect(reads.filter((r) => r.startsWith('cpuset/gocontainer/c1/'))).toEqual([]);
    expect(reads.filter((r) => r === 'cpuset/cpuset.cpus')).toEqual([]);
  });

  it('names the directory it could not make', () => {
    const tree = createFakeCgroupTree({ mode: 'v1' });
    trees.push(tree);
    const eacces = (path: string) => Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    const fs: CgroupFs = {
      ...tree.fs,
      mkdirp: (path) => {
        throw eacces(path);
      },
      mkdir: (path) => {
        if (path.endsWith('/gocontainer')) throw eacces(path);
        tree.fs.mkdir(path);
      },
    };
    const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs });
    expect(() => manager.create()).toThrow(`mkdir ${tree.root}/cpu/gocontainer (cgroups): EACCES`);
  });
});

describe('stats(parts)', () => {
  for (const mode of ['v1', 'v2'] as const) {
    it(`${mode}: reads only the parts asked for`, async () => {
      const { manager, reads } = recorded(mode);
      manager.create();
      await manager.join(1234);
      reads.length = 0;
      const memory = manager.stats(['memory']);
      expect(Object.keys(memory)).toEqual(['memory']);
      expect(memory.memory).toEqual(manager.stats().memory);
      expect(reads.length).toBeGreaterThan(0);
      expect(Object.keys(manager.stats())).toEqual(['memory', 'cpu', 'pids', 'io']);
      reads.length = 0;
      manager.stats(['memory']);
      expect(reads.every((r) => r.includes('memory'))).toBe(true);
      expect(manager.stats([])).toEqual({});
    });
  }
});

describe('CgroupV2Manager.join', () => {
  it('writes cgroup.procs only when the process is not in the cgroup already (CLONE_INTO_CGROUP put it there)', async () => {
    const tree = createFakeCgroupTree({ mode: 'v2' });
    trees.push(tree);
    const writes: string[] = [];
    const record = (path: string, data: string) => writes.push(`${path.slice(tree.root.length + 1)} ${data}`);
    const fs: CgroupFs = {
      ...tree.fs,
      writeFile: (path, data) => {
        record(path, data);
        tree.fs.writeFile(path, data);
      },
      writeFileAsync: async (path, data) => {
        record(path, data);
        tree.fs.writeFile(path, data);
      },
    };
    const manager = createCgroupManager({ id: 'c1', layout: tree.layout, fs });
    manager.create();
    writes.length = 0;
    await manager.join(100);
    expect(writes).toEqual(['gocontainer/c1/cgroup.procs 100']);
    await manager.join(100);
    expect(writes).toHaveLength(1);
    // With a child cgroup, threads of the process could be there: the write moves them back.
    tree.fs.mkdir(join(tree.root, 'gocontainer/c1/sub'));
    await manager.join(100);
    expect(writes).toEqual(['gocontainer/c1/cgroup.procs 100', 'gocontainer/c1/cgroup.procs 100']);
    await expect(createCgroupManager({ id: 'none', layout: tree.layout, fs }).join(1)).rejects.toThrow(
      `write "1" to ${tree.root}/gocontainer/none/cgroup.procs (cgroups): ENOENT`,
    );
  });
});

describe('openPlacement', () => {
  it('v1: a writable tasks fd per hierarchy, named by its controllers; no cgroup2 fd', () => {
    const { tree, manager } = setup('v1');
    manager.create();
    const placement = manager.openPlacement();
    try {
      expect(placement.cloneInto).toBeUndefined();
      const names = placement.selfMove.map((m) => m.hierarchy);
      expect(names.length).toBe(Object.keys(manager.dirs).length);
      expect(names).toContain('memory');
      // Each fd is that hierarchy's tasks file: what the new process writes lands there.
      for (const { fd } of placement.selfMove) writeSync(fd, '0');
      expect(tree.read('memory/gocontainer/c1/tasks')).toBe('0');
      expect(tree.read('pids/gocontainer/c1/tasks')).toBe('0');
    } finally {
      for (const { fd } of placement.selfMove) closeSync(fd);
    }
  });

  it('hybrid: v1 tasks fds and the cgroup2 directory for CLONE_INTO_CGROUP', () => {
    const { tree, manager } = setup('hybrid');
    manager.create();
    const placement = manager.openPlacement();
    try {
      expect(placement.cloneInto).toBeGreaterThan(2);
      expect(readlinkSync(`/proc/self/fd/${placement.cloneInto}`)).toBe(join(tree.root, 'unified/gocontainer/c1'));
      expect(placement.selfMove.length).toBe(Object.keys(manager.dirs).length - 1);
    } finally {
      for (const { fd } of placement.selfMove) closeSync(fd);
      if (placement.cloneInto !== undefined) closeSync(placement.cloneInto);
    }
  });

  it('v2: only the directory fd', () => {
    const { tree, manager } = setup('v2');
    manager.create();
    const placement = manager.openPlacement();
    expect(placement.selfMove).toEqual([]);
    expect(readlinkSync(`/proc/self/fd/${placement.cloneInto}`)).toBe(join(tree.root, 'gocontainer/c1'));
    closeSync(placement.cloneInto as number);
  });

  it('names the file it cannot open, and leaves no fd open', () => {
    const { manager } = setup('v1');
    const before = readdirSync('/proc/self/fd').length;
    expect(() => manager.openPlacement()).toThrow(/open .*\/gocontainer\/c1\/tasks .*ENOENT/);
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
});
