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
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
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
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const before = line.slice(0, sep).split(' ');
    const [fstype, , superOptions = ''] = line.slice(sep + 3).split(' ');
    const mountPoint = before[4];
    if (!mountPoint) continue;
    if (fstype === 'cgroup2') {
      // The first mount wins: later ones are usually bind mounts of it.
      unified ??= unescapeMountPath(mountPoint);
    } else if (fstype === 'cgroup') {
      for (const opt of superOptions.split(',')) {
        if (V1_SUBSYSTEMS.has(opt) || opt.startsWith('name=')) v1[opt] ??= unescapeMountPath(mountPoint);
      }
    }
  }

  const lines = procCgroup.split('\n').filter((l) => l.trim() !== '');
  const inV1 = lines.some((l) => !l.startsWith('0::'));
  const hasV1Controllers = Object.keys(v1).some((k) => !k.startsWith('name='));
  if (inV1 && hasV1Controllers) {
    return unified !== undefined ? { mode: 'hybrid', unified, v1 } : { mode: 'v1', v1 };
  }
  if (unified !== undefined) return { mode: 'v2', unified, v1: {} };
  throw new CgroupError('ENOCGROUPS', 'no cgroup hierarchy is mounted (nothing in /proc/self/mountinfo)');
}
