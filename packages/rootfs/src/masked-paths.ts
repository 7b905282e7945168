import {
  AT_EMPTY_PATH,
  AT_RECURSIVE,
  MOUNT_ATTR_NODEV,
  MOUNT_ATTR_NOEXEC,
  MOUNT_ATTR_NOSUID,
  MOUNT_ATTR_RDONLY,
  MOVE_MOUNT_F_EMPTY_PATH,
  MOVE_MOUNT_T_EMPTY_PATH,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  type ProgramScope,
} from '@gc/syscall';
import { createFs, setAttr } from './mount-plan.js';
import type { RootResolver } from './resolve-in-root.js';

/** Docker's `linux.maskedPaths`: kernel files and directories hidden from containers. */
export const DEFAULT_MASKED_PATHS: readonly string[] = Object.freeze([
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
]);

/** Docker's `linux.readonlyPaths`. */
export const DEFAULT_READONLY_PATHS: readonly string[] = Object.freeze([
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
]);

/** /proc and /sys come from the kernel: what the container sees there is what the host has. */
export function isKernelPath(path: string): boolean {
  return path === '/proc' || path === '/sys' || path.startsWith('/proc/') || path.startsWith('/sys/');
}

/**
 * Hide a path: the container's own /dev/null bind-mounted over a file (as
 * runc does; a clone of the host's would show the host's devtmpfs, and its
 * size, in the container's mountinfo), a read-only empty tmpfs over a
 * directory. Planned after /dev is populated.
 */
export function planMask(p: ProgramScope, root: RootResolver, path: string, kind: 'dir' | 'file'): void {
  if (kind === 'dir') {
    const mnt = createFs(p, 'tmpfs', 'tmpfs', [], MOUNT_ATTR_RDONLY, path);
    root.attach(mnt, path, `mask ${path}`, `the tmpfs for ${path}`);
    return;
  }
  const devNull = root.open('/dev/null', `open the container's /dev/null to mask ${path}`);
  const tree = p.syscall(
    'open_tree',
    [devNull, '', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH],
    `clone /dev/null to mask ${path}`,
  );
  root.close(devNull, "the container's /dev/null");
  root.attach(tree, path, `mask ${path}`, `the clone of /dev/null for ${path}`);
}

/** Bind a path on itself, read-only with nosuid, nodev and noexec, through all its submounts. */
export function planReadonly(p: ProgramScope, root: RootResolver, path: string): void {
  const target = root.open(path);
  const tree = p.syscall(
    'open_tree',
    [target, '', OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE],
    `clone ${path} to make it read-only`,
  );
  const attr = {
    set: MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
    clear: 0,
    propagation: 0,
  };
  setAttr(p, tree, attr, true, `set ro,nosuid,nodev,noexec on the clone of ${path}`);
  p.syscall(
    'move_mount',
    [tree, '', target, '', MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH],
    `make ${path} read-only`,
  );
  root.close(tree, `the clone of ${path}`);
  root.close(target, path);
}
