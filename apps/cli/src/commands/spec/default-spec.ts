import { OCI_VERSION } from '../../version.js';

interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

interface SpecMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

/** The parts of a config.json `spec` writes (runtime-spec config.md). */
export interface DefaultSpec {
  ociVersion: string;
  process: Record<string, unknown>;
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: SpecMount[];
  linux: {
    uidMappings?: IdMapping[];
    gidMappings?: IdMapping[];
    resources?: Record<string, unknown>;
    namespaces: { type: string }[];
    maskedPaths: string[];
    readonlyPaths: string[];
  };
}

const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/**
 * The starter config.json runc's `spec` writes (libcontainer/specconv's
 * Example), field for field in its order, at runtime-spec OCI_VERSION: `sh`
 * in a read-only `rootfs`, a terminal, three capabilities, new pid, network,
 * ipc, uts and mount namespaces, no device access.
 */
export function defaultSpec(): DefaultSpec {
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS], ambient: [...CAPS] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runc',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      {
        destination: '/sys/fs/cgroup',
        type: 'cgroup',
        source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
      },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

/**
 * runc's `spec --rootless` changes (specconv's ToRootless): a user namespace
 * instead of the network one, the caller's euid and egid mapped to root,
 * /sys bind-mounted (a new sysfs needs a network namespace the user owns),
 * no uid=/gid= mount options, no cgroup resources.
 */
export function toRootless(spec: DefaultSpec, ids: { uid: number; gid: number }): DefaultSpec {
  const { resources: _dropped, ...linux } = spec.linux;
  return {
    ...spec,
    mounts: spec.mounts.map((m) =>
      m.destination === '/sys'
        ? { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
        : { ...m, ...(m.options ? { options: m.options.filter((o) => !/^[ug]id=/.test(o)) } : {}) },
    ),
    linux: {
      uidMappings: [{ containerID: 0, hostID: ids.uid, size: 1 }],
      gidMappings: [{ containerID: 0, hostID: ids.gid, size: 1 }],
      ...linux,
      namespaces: [...linux.namespaces.filter((n) => n.type !== 'network' && n.type !== 'user'), { type: 'user' }],
    },
  };
}
