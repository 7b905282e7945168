import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type CgroupFs, nodeCgroupFs } from '../cgroup-fs.js';
import type { CgroupLayout, CgroupMode } from '../layout.js';

export interface FakeCgroupTreeOptions {
  mode: CgroupMode;
  /** v1 only: memory.memsw.* exist (swap accounting on). Default true. */
  swapAccounting?: boolean;
  /** Controllers of the v2 root (default: all; hybrid: `hugetlb`, as on the development hosts). */
  v2Controllers?: string[];
}

/** A temp dir shaped like cgroupfs, and a `CgroupFs` that behaves like the kernel's on it. */
export interface FakeCgroupTree {
  readonly root: string;
  readonly layout: CgroupLayout;
  readonly fs: CgroupFs;
  /** Read a file of the tree (path relative to the root). */
  read(path: string): string;
  remove(): void;
}

const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'name=systemd'];
const ALL_V2 = ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma'];
const UNLIMITED_V1 = '9223372036854771712';

function v2Files(controllers: readonly string[]): Record<string, string> {
  const f: Record<string, string> = {
    'cgroup.controllers': controllers.join(' '),
    'cgroup.subtree_control': '',
    'cgroup.procs': '',
    'cgroup.events': 'populated 0\nfrozen 0\n',
    'cgroup.freeze': '0',
    'cgroup.kill': '',
    'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\n',
  };
  const has = (c: string) => controllers.includes(c);
  if (has('memory')) {
    Object.assign(f, {
      'memory.current': '0',
      'memory.max': 'max',
      'memory.low': '0',
      'memory.high': 'max',
      'memory.peak': '0',
      'memory.swap.max': 'max',
      'memory.swap.current': '0',
      'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n',
    });
  }
  if (has('cpu')) {
    Object.assign(f, { 'cpu.weight': '100', 'cpu.max': 'max 100000', 'cpu.max.burst': '0', 'cpu.idle': '0' });
    f['cpu.stat'] += 'nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n';
  }
  if (has('cpuset')) Object.assign(f, { 'cpuset.cpus': '', 'cpuset.mems': '' });
  if (has('pids')) Object.assign(f, { 'pids.max': 'max', 'pids.current': '0' });
  if (has('io')) Object.assign(f, { 'io.max': '', 'io.weight': 'default 100', 'io.stat': '' });
  if (has('hugetlb')) Object.assign(f, { 'hugetlb.2MB.max': 'max', 'hugetlb.1GB.max': 'max' });
  if (has('rdma')) f['rdma.max'] = '';
  return f;
}

function v1Files(controller: string, swapAccounting: boolean): Record<string, string> {
  const f: Record<string, string> = { 'cgroup.procs': '', tasks: '', notify_on_release: '0' };
  switch (controller) {
    case 'memory':
      Object.assign(f, {
        'memory.limit_in_bytes': UNLIMITED_V1,
        'memory.soft_limit_in_bytes': UNLIMITED_V1,
        'memory.usage_in_bytes': '0',
        'memory.max_usage_in_bytes': '0',
        'memory.failcnt': '0',
        'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
        'memory.swappiness': '60',
        'memory.use_hierarchy': '1',
        'memory.kmem.limit_in_bytes': UNLIMITED_V1,
        'memory.kmem.tcp.limit_in_bytes': UNLIMITED_V1,
      });
      if (swapAccounting) {
        Object.assign(f, { 'memory.memsw.limit_in_bytes': UNLIMITED_V1, 'memory.memsw.usage_in_bytes': '0' });
      }
      break;
    case 'cpu':
      Object.assign(f, {
        'cpu.shares': '1024',
        'cpu.cfs_period_us': '100000',
        'cpu.cfs_quota_us': '-1',
        'cpu.cfs_burst_us': '0',
        'cpu.idle': '0',
        'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
      });
      break;
    case 'cpuacct':
      Object.assign(f, { 'cpuacct.usage': '0', 'cpuacct.stat': 'user 0\nsystem 0\n' });
      break;
    case 'cpuset':
      Object.assign(f, { 'cpuset.cpus': '', 'cpuset.mems': '' });
      break;
    case 'pids':
      Object.assign(f, { 'pids.max': 'max', 'pids.current': '0' });
      break;
    case 'freezer':
      f['freezer.state'] = 'THAWED';
      break;
    case 'devices':
      Object.assign(f, { 'devices.allow': '', 'devices.deny': '', 'devices.list': 'a *:* rwm\n' });
      break;
    case 'blkio':
      // As on the development hosts: throttling only, no proportional weight.
      for (const k of ['read_bps_device', 'write_bps_device', 'read_iops_device', 'write_iops_device']) {
        f[`blkio.throttle.${k}`] = '';
      }
      f['blkio.throttle.io_service_bytes_recursive'] = 'Total 0\n';
      f['blkio.throttle.io_serviced_recursive'] = 'Total 0\n';
      break;
  }
  return f;
}

function errnoError(code: string, path: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${code}: ${path}`);
  e.code = code;
  return e;
}

/**
 * A cgroupfs look-alike in a temp dir, for unit tests of code that drives
 * cgroups without root: mkdir fills a cgroup with its controllers' files (v2:
 * those the parent enabled in cgroup.subtree_control), rmdir fails with EBUSY
 * while it holds processes or child cgroups, and the control files act: a
 * write to cgroup.procs adds the pid, cgroup.kill empties it, cgroup.freeze
 * sets cgroup.events, subtree_control takes `+ctrl`. Writing a file that does
 * not exist fails with ENOENT, as on cgroupfs.
 */
export function createFakeCgroupTree(options: FakeCgroupTreeOptions): FakeCgroupTree {
  const root = fs.mkdtempSync(join(tmpdir(), 'gc-cgroupfs-'));
  const swap = options.swapAccounting ?? true;
  /** mount point -> how to fill a new directory there. */
  const mounts = new Map<string, { version: 1 | 2; files: (dir: string) => Record<string, string> }>();
  const v1: Record<string, string> = {};
  let unified: string | undefined;

  const fill = (dir: string, files: Record<string, string>) => {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(join(dir, name), content);
  };
  const readList = (path: string) =>
    fs.existsSync(path) ? fs.readFileSync(path, 'utf8').split(/\s+/).filter(Boolean) : [];

  if (options.mode !== 'v2') {
    for (const c of V1_CONTROLLERS) {
      const mount = join(root, c.replace('name=', ''));
      fs.mkdirSync(mount);
      const files = () => v1Files(c, swap);
      fill(mount, files());
      if (c === 'cpuset') fill(mount, { 'cpuset.cpus': '0-1', 'cpuset.mems': '0' });
      mounts.set(mount, { version: 1, files });
      v1[c] = mount;
    }
  }
  if (options.mode !== 'v1') {
    unified = options.mode === 'v2' ? root : join(root, 'unified');
    fs.mkdirSync(unified, { recursive: true });
    const rootControllers = options.v2Controllers ?? (options.mode === 'v2' ? ALL_V2 : ['hugetlb']);
    fill(unified, v2Files(rootControllers));
    if (options.mode === 'v2') {
      // As systemd leaves it: every controller on for the root's children.
      fs.writeFileSync(join(unified, 'cgroup.subtree_control'), rootControllers.join(' '));
      fill(unified, { 'cpuset.cpus': '0-1', 'cpuset.mems': '0' });
    }
    mounts.set(unified, {
      version: 2,
      files: (dir) => v2Files(readList(join(dirname(dir), 'cgroup.subtree_control'))),
    });
  }

  const mountOf = (path: string) => {
    let best: string | undefined;
    for (const m of mounts.keys()) {
      if ((path === m || path.startsWith(`${m}/`)) && (!best || m.length > best.length)) best = m;
    }
    // In v2 mode the root is the mount; a v1 mount below it would have matched first.
    return best ? (mounts.get(best) as { version: 1 | 2; files: (dir: string) => Record<string, string> }) : undefined;
  };

  const xattrs = new Map<string, string>();
  const fakeFs: CgroupFs = {
    ...nodeCgroupFs,
    // Every write goes through the emulation below, including join()'s concurrent ones.
    writeFileAsync: async (path, data) => fakeFs.writeFile(path, data),
    mkdir(path) {
      const m = mountOf(path);
      if (fs.existsSync(path)) throw errnoError('EEXIST', path);
      if (!m || !fs.existsSync(dirname(path))) throw errnoError('ENOENT', path);
      fs.mkdirSync(path);
      fill(path, m.files(path));
    },
    // mkdir -p through the emulation above, so that every new cgroup gets its files.
    mkdirp(path) {
      const missing: string[] = [];
      for (let dir = path; !fs.existsSync(dir); dir = dirname(dir)) missing.push(dir);
      missing.reverse();
      for (const dir of missing) fakeFs.mkdir(dir);
      return missing[0];
    },
    rmdir(path) {
      if (!fs.existsSync(path)) throw errnoError('ENOENT', path);
      if (nodeCgroupFs.subdirs(path).length > 0 || readList(join(path, 'cgroup.procs')).length > 0) {
        throw errnoError('EBUSY', path);
      }
      fs.rmSync(path, { recursive: true });
      for (const key of xattrs.keys()) if (key.startsWith(`${path}\0`)) xattrs.delete(key);
    },
    // In memory: a temp dir's filesystem may not keep user.* attributes.
    setXattr(path, name, value) {
      if (!fs.existsSync(path)) throw errnoError('ENOENT', path);
      xattrs.set(`${path}\0${name}`, value);
    },
    getXattr(path, name) {
      if (!fs.existsSync(path)) throw errnoError('ENOENT', path);
      return xattrs.get(`${path}\0${name}`);
    },
    writeFile(path, data) {
      if (!fs.existsSync(path)) throw errnoError('ENOENT', path);
      const dir = dirname(path);
      const name = path.slice(dir.length + 1);
      const events = (populated: number, frozen?: number) => {
        const ev = join(dir, 'cgroup.events');
        if (!fs.existsSync(ev)) return;
        const old = fs.readFileSync(ev, 'utf8');
        const f = frozen ?? Number(/frozen (\d)/.exec(old)?.[1] ?? 0);
        fs.writeFileSync(ev, `populated ${populated}\nfrozen ${f}\n`);
      };
      switch (name) {
        case 'cgroup.procs': {
          const pids = readList(path);
          if (!pids.includes(data.trim())) pids.push(data.trim());
          fs.writeFileSync(path, `${pids.join('\n')}\n`);
          events(1);
          return;
        }
        case 'cgroup.kill':
          fs.writeFileSync(join(dir, 'cgroup.procs'), '');
          events(0);
          return;
        case 'cgroup.freeze':
          fs.writeFileSync(path, data);
          events(readList(join(dir, 'cgroup.procs')).length > 0 ? 1 : 0, Number(data));
          return;
        case 'cgroup.subtree_control': {
          const on = new Set(readList(path));
          const available = readList(join(dir, 'cgroup.controllers'));
          for (const tok of data.split(/\s+/).filter(Boolean)) {
            const c = tok.slice(1);
            if (!available.includes(c)) throw errnoError('ENOENT', path);
            if (tok.startsWith('+')) on.add(c);
            else on.delete(c);
          }
          fs.writeFileSync(path, [...on].join(' '));
          // Children see the change at once, files included, as on cgroupfs.
          for (const sub of nodeCgroupFs.subdirs(dir)) {
            const child = join(dir, sub);
            fs.writeFileSync(join(child, 'cgroup.controllers'), [...on].join(' '));
            for (const [f, content] of Object.entries(v2Files([...on]))) {
              if (!fs.existsSync(join(child, f))) fs.writeFileSync(join(child, f), content);
            }
          }
          return;
        }
        default:
          fs.writeFileSync(path, data);
      }
    },
  };

  const layout: CgroupLayout =
    options.mode === 'v2'
      ? { mode: 'v2', unified: root, v1: {} }
      : options.mode === 'v1'
        ? { mode: 'v1', v1 }
        : { mode: 'hybrid', unified: unified as string, v1 };
  return {
    root,
    layout,
    fs: fakeFs,
    read: (path) => fs.readFileSync(join(root, path), 'utf8'),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
