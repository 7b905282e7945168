import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  AT_RECURSIVE,
  FSCONFIG_CMD_CREATE,
  FSCONFIG_SET_FLAG,
  FSCONFIG_SET_STRING,
  FSMOUNT_CLOEXEC,
  FSOPEN_CLOEXEC,
  MOUNT_ATTR_SIZE_VER0,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  type OpRef,
  type ProgramScope,
} from '@gc/syscall';
import type { FsParam, ParsedBind, ParsedFs, PropagationChange } from './mount-options.js';
import type { RootResolver } from './resolve-in-root.js';
import { isEmptyAttr, type MountAttr, mountAttr } from './structs.js';

/** The options a label shows: everything but bind/rbind, which the verb already says. */
function optionText(options: readonly string[]): string {
  const shown = options.filter((o) => o !== 'bind' && o !== 'rbind');
  return shown.length === 0 ? '' : ` (${shown.join(',')})`;
}

/** mount_setattr(2) on a detached or attached mount fd. */
export function setAttr(p: ProgramScope, mntFd: OpRef, attr: MountAttr, recursive: boolean, label: string): void {
  const flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  p.syscall('mount_setattr', [mntFd, '', flags, mountAttr(p, attr), MOUNT_ATTR_SIZE_VER0], label);
}

function propagationName(change: PropagationChange): string {
  const names: Record<number, string> = {
    [1 << 18]: 'private',
    [1 << 19]: 'slave',
    [1 << 20]: 'shared',
    [1 << 17]: 'unbindable',
  };
  return `${change.recursive ? 'r' : ''}${names[change.flag] ?? change.flag}`;
}

/**
 * A bind mount: clone the host tree (open_tree, before the pivot so `source`
 * is a host path), set its attributes on the clone, then attach it on the
 * target opened inside the root. The clone is never visible anywhere until
 * move_mount, so a read-only bind is never writable, not even for a moment.
 */
export function planBind(p: ProgramScope, root: RootResolver, mount: ParsedBind, sourceKind: 'dir' | 'file'): void {
  const { source, destination } = mount;
  if (sourceKind === 'file') root.ensureFile(destination);
  else root.ensureDir(destination);
  const flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (mount.recursive ? AT_RECURSIVE : 0);
  const tree = p.syscall('open_tree', [AT_FDCWD, source, flags], `clone ${source} for ${destination}`);
  const recursive: MountAttr = {
    ...mount.recursiveAttr,
    propagation: mount.propagation?.recursive ? mount.propagation.flag : 0,
  };
  const top: MountAttr = {
    ...mount.attr,
    propagation: mount.propagation?.recursive ? 0 : (mount.propagation?.flag ?? 0),
  };
  if (!isEmptyAttr(recursive)) {
    setAttr(p, tree, recursive, true, `set the options of every mount under ${source} for ${destination}`);
  }
  if (!isEmptyAttr(top)) setAttr(p, tree, top, false, `set the options of the bind of ${source} on ${destination}`);
  const verb = mount.recursive ? 'rbind' : 'bind';
  root.attach(
    tree,
    destination,
    `${verb} ${source} on ${destination}${optionText(mount.options)}`,
    `the clone of ${source}`,
  );
  root.mounted(destination, sourceKind);
}

/** fsopen + fsconfig + CMD_CREATE + fsmount: a detached mount of a new filesystem. Returns its fd. */
export function createFs(
  p: ProgramScope,
  fstype: string,
  source: string,
  params: readonly FsParam[],
  attrFlags: number,
  destination: string,
): OpRef {
  const fs = p.syscall('fsopen', [fstype, FSOPEN_CLOEXEC], `open a ${fstype} filesystem for ${destination}`);
  p.syscall(
    'fsconfig',
    [fs, FSCONFIG_SET_STRING, 'source', source, 0],
    `set source=${source} on the ${fstype} for ${destination}`,
  );
  for (const { key, value } of params) {
    if (value === undefined) {
      p.syscall('fsconfig', [fs, FSCONFIG_SET_FLAG, key, null, 0], `set ${key} on the ${fstype} for ${destination}`);
    } else {
      p.syscall(
        'fsconfig',
        [fs, FSCONFIG_SET_STRING, key, value, 0],
        `set ${key}=${value} on the ${fstype} for ${destination}`,
      );
    }
  }
  p.syscall('fsconfig', [fs, FSCONFIG_CMD_CREATE, null, null, 0], `create the ${fstype} filesystem for ${destination}`);
  const mnt = p.syscall('fsmount', [fs, FSMOUNT_CLOEXEC, attrFlags], `make a ${fstype} mount for ${destination}`);
  p.syscall('close', [fs], `close the ${fstype} filesystem context for ${destination}`);
  return mnt;
}

/** A new filesystem (tmpfs, proc, sysfs, devpts, mqueue, cgroup2, or any type passed through) on its target. */
export function planFs(p: ProgramScope, root: RootResolver, mount: ParsedFs, fstype = mount.fstype): void {
  const { destination } = mount;
  root.ensureDir(destination);
  const mnt = createFs(p, fstype, mount.source, mount.params, mount.attrFlags, destination);
  if (mount.propagation) {
    const attr = { set: 0, clear: 0, propagation: mount.propagation.flag };
    setAttr(
      p,
      mnt,
      attr,
      mount.propagation.recursive,
      `make the ${fstype} for ${destination} ${propagationName(mount.propagation)}`,
    );
  }
  root.attach(mnt, destination, `mount ${fstype} on ${destination}`, `the ${fstype} mount for ${destination}`);
  root.mounted(destination, 'dir');
}
