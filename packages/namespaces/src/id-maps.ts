import { readFileSync } from 'node:fs';
import { AT_FDCWD, type Kernel, O_CLOEXEC, O_WRONLY, SyscallError } from '@gc/syscall';
import { PKG } from './pkg.js';
import type { IdMapping } from './types.js';

const CAP_SETGID = 6;

/** The text of a uid_map or gid_map: one `inside outside count` line per mapping. */
export function formatIdMap(mappings: readonly IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/**
 * Whether this process holds CAP_SETGID in its user namespace. Without it the
 * kernel only takes a gid_map after `setgroups` was set to `deny` (since Linux
 * 3.19, so an unprivileged user cannot drop a group that guards a file).
 */
export function hasCapSetgid(statusText?: string): boolean {
  let text = statusText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return false;
    }
  }
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(text)?.[1];
  return hex !== undefined && (BigInt(`0x${hex}`) & (1n << BigInt(CAP_SETGID))) !== 0n;
}

export interface IdMapWrite {
  readonly uidMappings: readonly IdMapping[];
  readonly gidMappings: readonly IdMapping[];
  /** Write `deny` to /proc/PID/setgroups before the gid_map. */
  readonly setgroupsDeny: boolean;
}

/**
 * Write a child's id maps from the parent, the way runc's parent answers
 * SYNC_USERMAP_PLS: each file in one write(2), as the kernel requires.
 */
export function writeIdMaps(kernel: Kernel, pid: number, maps: IdMapWrite): void {
  if (maps.uidMappings.length > 0) writeProcFile(kernel, `/proc/${pid}/uid_map`, formatIdMap(maps.uidMappings));
  if (maps.gidMappings.length > 0) {
    if (maps.setgroupsDeny) writeProcFile(kernel, `/proc/${pid}/setgroups`, 'deny');
    writeProcFile(kernel, `/proc/${pid}/gid_map`, formatIdMap(maps.gidMappings));
  }
}

function writeProcFile(kernel: Kernel, path: string, text: string): void {
  const label = `write ${JSON.stringify(text.trim())} to ${path}`;
  try {
    const fd = kernel.openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
    try {
      kernel.write(fd, text);
    } finally {
      kernel.close(fd);
    }
  } catch (error) {
    // The kernel's own message names a bare fd: say which file and which map.
    if (!SyscallError.isInstance(error)) throw error;
    throw new SyscallError({ syscall: error.syscall, errno: error.errno, label, pkg: PKG, cause: error });
  }
}
