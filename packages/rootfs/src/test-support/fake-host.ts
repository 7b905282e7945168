import type { CgroupLayout, HostProbe, PathKind } from '../host-probe.js';

/** A host made of a path -> kind table, for unit tests that must not depend on this machine. */
export function fakeHost(
  paths: Record<string, PathKind>,
  options: { cgroups?: CgroupLayout; kernel?: string; mountPoint?: string; links?: Record<string, string> } = {},
): HostProbe {
  return {
    lstat: (path) => paths[path],
    stat: (path) => {
      const kind = paths[path];
      return kind === 'symlink' ? 'dir' : kind;
    },
    readlink: (path) => (paths[path] === 'symlink' ? options.links?.[path] : undefined),
    owner: (path) =>
      paths[path] === undefined ? undefined : { mode: path === '/tmp' ? 0o1777 : 0o755, uid: 0, gid: 0 },
    cgroupLayout: () => options.cgroups ?? { mode: 'unified' },
    mountPointOf: () => options.mountPoint ?? '/',
    kernelRelease: () => options.kernel ?? '6.18.0',
  };
}

/** The kernel paths Docker masks or makes read-only, as most hosts have them (no kcore, asound, scsi...). */
export const KERNEL_PATHS: Record<string, PathKind> = {
  '/proc/kcore': 'file',
  '/proc/keys': 'file',
  '/proc/timer_list': 'file',
  '/proc/acpi': 'dir',
  '/sys/firmware': 'dir',
  '/proc/bus': 'dir',
  '/proc/fs': 'dir',
  '/proc/irq': 'dir',
  '/proc/sys': 'dir',
  '/proc/sysrq-trigger': 'file',
};
