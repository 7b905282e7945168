import { readFileSync } from 'node:fs';
import { CgroupError } from './errors.js';

/** How the host mounts cgroups. */
export type CgroupMode = 'v2' | 'v1' | 'hybrid';

/**
 * Where the hierarchies are. `v1` maps each v1 controller (`memory`, `cpu`,
 * `name=systemd`) to its mount point; co-mounted controllers (`cpu,cpuacct`)
 * share one. `unified` is the cgroup2 mount point, if any.
 */
export interface CgroupLayout {
  readonly mode: CgroupMode;
  readonly unified?: string;
  readonly v1: Readonly<Record<string, string>>;
}

/** Kernel v1 subsystems: everything else in a cgroup mount's options is a mount flag. */
const V1_SUBSYSTEMS = new Set([
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'devices',
  'freezer',
  'net_cls',
  'net_prio',
  'blkio',
  'perf_event',
  'hugetlb',
  'pids',
  'rdma',
  'misc',
]);

export interface DetectOptions {
  /** The text of /proc/self/mountinfo (default: read it). */
  mountinfo?: string;
  /** The text of /proc/self/cgroup (default: read it). */
  procCgroup?: string;
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** The `index`th space-separated field of `line` (from `from`), without splitting the whole line. */
function field(line: string, index: number, from = 0): string | undefined {
  let start = from;
  for (let i = 0; i < index; i++) {
    const space = line.indexOf(' ', start);
    if (space < 0) return undefined;
    start = space + 1;
  }
  const end = line.indexOf(' ', start);
  return line.slice(start, end < 0 ? line.length : end);
}

/** Does /proc/self/cgroup have a line other than the v2 one (`0::/...`)? Blank lines do not count. */
function inV1Hierarchy(procCgroup: string): boolean {
  for (let start = 0; start < procCgroup.length; ) {
    const nl = procCgroup.indexOf('\n', start);
    const end = nl < 0 ? procCgroup.length : nl;
    if (!procCgroup.startsWith('0::', start) && procCgroup.slice(start, end).trim() !== '') return true;
    start = end + 1;
  }
  return false;
}

/**
 * Find the cgroup hierarchies from /proc/self/mountinfo, and which of them
 * this process is in from /proc/self/cgroup: only v2 (`0::/...` alone) is a
 * v2 host, v1 lines with a cgroup2 mount a hybrid host, v1 alone a v1 host.
 */
export function detectCgroupLayout(options: DetectOptions = {}): CgroupLayout {
  const mountinfo = options.mountinfo ?? readFileSync('/proc/self/mountinfo', 'utf8');
  const procCgroup = options.procCgroup ?? readFileSync('/proc/self/cgroup', 'utf8');

  let unified: string | undefined;
  const v1: Record<string, string> = {};
  let hasV1Controllers = false;
  // Only cgroup mounts matter: jump from one ` - cgroup` (the separator, then
  // the fstype) to the next rather than parsing every line of a host's mounts.
  for (let at = mountinfo.indexOf(' - cgroup'); at >= 0; at = mountinfo.indexOf(' - cgroup', at + 1)) {
    const start = mountinfo.lastIndexOf('\n', at) + 1;
    const nl = mountinfo.indexOf('\n', at);
    const line = mountinfo.slice(start, nl < 0 ? mountinfo.length : nl);
    const sep = line.indexOf(' - ');
    // The separator is the first ` - ` of the line: mount paths escape their spaces.
    if (sep !== at - start) continue;
    const fstype = field(line, 0, sep + 3);
    const mountPoint = field(line.slice(0, sep), 4);
    if (!mountPoint) continue;
    if (fstype === 'cgroup2') {
      // The first mount wins: later ones are usually bind mounts of it.
      unified ??= unescapeMountPath(mountPoint);
    } else if (fstype === 'cgroup') {
      for (const opt of (field(line, 2, sep + 3) ?? '').split(',')) {
        const subsystem = V1_SUBSYSTEMS.has(opt);
        if (subsystem || opt.startsWith('name=')) {
          v1[opt] ??= unescapeMountPath(mountPoint);
          hasV1Controllers ||= subsystem;
        }
      }
    }
  }

  if (hasV1Controllers && inV1Hierarchy(procCgroup)) {
    return unified !== undefined ? { mode: 'hybrid', unified, v1 } : { mode: 'v1', v1 };
  }
  if (unified !== undefined) return { mode: 'v2', unified, v1: {} };
  throw new CgroupError('ENOCGROUPS', 'no cgroup hierarchy is mounted (nothing in /proc/self/mountinfo)');
}

let hostLayout: CgroupLayout | undefined;

/**
 * `detectCgroupLayout()` of this host, detected once per process: a host
 * does not change how it mounts cgroups under a running runtime, and every
 * manager would otherwise read and parse the same two files again.
 */
export function hostCgroupLayout(): CgroupLayout {
  hostLayout ??= detectCgroupLayout();
  return hostLayout;
}
