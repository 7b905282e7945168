import {
  GcError,
  MOUNT_ATTR__ATIME,
  MOUNT_ATTR_NOATIME,
  MOUNT_ATTR_NODEV,
  MOUNT_ATTR_NODIRATIME,
  MOUNT_ATTR_NOEXEC,
  MOUNT_ATTR_NOSUID,
  MOUNT_ATTR_NOSYMFOLLOW,
  MOUNT_ATTR_RDONLY,
  MOUNT_ATTR_RELATIME,
  MOUNT_ATTR_STRICTATIME,
  MS_PRIVATE,
  MS_SHARED,
  MS_SLAVE,
  MS_UNBINDABLE,
} from '@gc/syscall';
import { containerPath, show } from './container-path.js';
import { kernelAtLeast } from './host-probe.js';
import type { MountAttr } from './structs.js';
import type { Mount, Propagation } from './types.js';

/** A filesystem parameter for fsconfig(2): `key=value` (SET_STRING) or a bare flag (SET_FLAG). */
export interface FsParam {
  readonly key: string;
  readonly value?: string;
}

/** A propagation change: MS_PRIVATE and friends, for the mount alone or its whole tree. */
export interface PropagationChange {
  readonly flag: number;
  readonly recursive: boolean;
}

interface ParsedCommon {
  readonly index: number;
  readonly destination: string;
  /** The options as given, for labels. */
  readonly options: readonly string[];
}

/** A bind mount: open_tree + mount_setattr + move_mount. */
export interface ParsedBind extends ParsedCommon {
  readonly kind: 'bind';
  readonly source: string;
  readonly recursive: boolean;
  /** Attributes of the top mount (`ro`, `nosuid`, ...). */
  readonly attr: MountAttr;
  /** Attributes of every mount of the tree (`rro`, `rnosuid`, ...). */
  readonly recursiveAttr: MountAttr;
  readonly propagation: PropagationChange | undefined;
}

/** A new filesystem: fsopen + fsconfig + fsmount + move_mount. */
export interface ParsedFs extends ParsedCommon {
  readonly kind: 'fs';
  readonly fstype: string;
  readonly source: string;
  readonly params: readonly FsParam[];
  /** MOUNT_ATTR_* flags for fsmount(2). */
  readonly attrFlags: number;
  readonly propagation: PropagationChange | undefined;
}

export type ParsedMount = ParsedBind | ParsedFs;

interface AttrChange {
  readonly set: number;
  readonly clear: number;
}

const ATIME = MOUNT_ATTR__ATIME;

/** Per-mount flags, as mount(8) names them. Options that restore a kernel default change nothing. */
const MOUNT_FLAGS: Readonly<Record<string, AttrChange>> = {
  ro: { set: MOUNT_ATTR_RDONLY, clear: 0 },
  rw: { set: 0, clear: MOUNT_ATTR_RDONLY },
  nosuid: { set: MOUNT_ATTR_NOSUID, clear: 0 },
  suid: { set: 0, clear: MOUNT_ATTR_NOSUID },
  nodev: { set: MOUNT_ATTR_NODEV, clear: 0 },
  dev: { set: 0, clear: MOUNT_ATTR_NODEV },
  noexec: { set: MOUNT_ATTR_NOEXEC, clear: 0 },
  exec: { set: 0, clear: MOUNT_ATTR_NOEXEC },
  relatime: { set: MOUNT_ATTR_RELATIME, clear: ATIME },
  noatime: { set: MOUNT_ATTR_NOATIME, clear: ATIME },
  strictatime: { set: MOUNT_ATTR_STRICTATIME, clear: ATIME },
  // The kernel's default is relatime: these undo an option given before them.
  atime: { set: MOUNT_ATTR_RELATIME, clear: ATIME },
  norelatime: { set: MOUNT_ATTR_RELATIME, clear: ATIME },
  nostrictatime: { set: MOUNT_ATTR_RELATIME, clear: ATIME },
  nodiratime: { set: MOUNT_ATTR_NODIRATIME, clear: 0 },
  diratime: { set: 0, clear: MOUNT_ATTR_NODIRATIME },
  nosymfollow: { set: MOUNT_ATTR_NOSYMFOLLOW, clear: 0 },
  symfollow: { set: 0, clear: MOUNT_ATTR_NOSYMFOLLOW },
  defaults: { set: 0, clear: 0 },
};

/** The OCI recursive forms (`rro`, `rnosuid`, ...): bind mounts only, applied with AT_RECURSIVE. */
const RECURSIVE_FLAGS: ReadonlySet<string> = new Set(
  [
    'ro',
    'rw',
    'nosuid',
    'suid',
    'nodev',
    'dev',
    'noexec',
    'exec',
    'relatime',
    'norelatime',
    'noatime',
    'atime',
    'strictatime',
    'nostrictatime',
    'nodiratime',
    'diratime',
    'nosymfollow',
    'symfollow',
  ].map((o) => `r${o}`),
);

export const PROPAGATION_FLAGS: Readonly<Record<Propagation, PropagationChange>> = {
  private: { flag: MS_PRIVATE, recursive: false },
  rprivate: { flag: MS_PRIVATE, recursive: true },
  slave: { flag: MS_SLAVE, recursive: false },
  rslave: { flag: MS_SLAVE, recursive: true },
  shared: { flag: MS_SHARED, recursive: false },
  rshared: { flag: MS_SHARED, recursive: true },
  unbindable: { flag: MS_UNBINDABLE, recursive: false },
  runbindable: { flag: MS_UNBINDABLE, recursive: true },
};

/** Superblock flags fsconfig takes by name for any filesystem. */
const SB_FLAGS: ReadonlySet<string> = new Set(['sync', 'async', 'dirsync', 'lazytime', 'nolazytime', 'mand', 'nomand']);

/**
 * Every generic `mounts[].options` name parseMount takes (not the filesystem's
 * own, `mode=`, `size=`...), sorted: the runtime-spec "features" list.
 */
export const MOUNT_OPTIONS: readonly string[] = Object.freeze(
  [
    ...Object.keys(MOUNT_FLAGS),
    ...RECURSIVE_FLAGS,
    ...Object.keys(PROPAGATION_FLAGS),
    'bind',
    'rbind',
    ...SB_FLAGS,
  ].sort(),
);

/** The filesystem options we check per type: `value` needs `key=...`, `flag` is bare. Unknown types pass through. */
const FS_OPTIONS: Readonly<Record<string, Readonly<Record<string, 'value' | 'flag'>>>> = {
  tmpfs: {
    size: 'value',
    mode: 'value',
    uid: 'value',
    gid: 'value',
    nr_inodes: 'value',
    nr_blocks: 'value',
    huge: 'value',
    mpol: 'value',
    inode64: 'flag',
    inode32: 'flag',
    noswap: 'flag',
  },
  proc: { hidepid: 'value', gid: 'value', subset: 'value' },
  sysfs: {},
  mqueue: {},
  devpts: { newinstance: 'flag', ptmxmode: 'value', mode: 'value', gid: 'value', uid: 'value', max: 'value' },
  cgroup: {},
  cgroup2: {
    nsdelegate: 'flag',
    memory_recursiveprot: 'flag',
    memory_localevents: 'flag',
    memory_hugetlb_accounting: 'flag',
    favordynmods: 'flag',
    pids_localevents: 'flag',
  },
};

const MOUNT_OPTION_HINT = 'ro, rw, bind, rbind, nosuid, nodev, noexec, relatime, noatime, strictatime, rprivate, ...';

function optionError(field: string, option: string, fstype: string | undefined): GcError {
  const known = fstype === undefined ? undefined : FS_OPTIONS[fstype];
  const fsHint =
    known && Object.keys(known).length > 0
      ? ` nor a ${fstype} option (${Object.entries(known)
          .map(([k, v]) => (v === 'value' ? `${k}=` : k))
          .join(', ')})`
      : '';
  return new GcError(
    'EROOTFS_OPTION',
    `${field}: ${JSON.stringify(option)} is not a mount option (${MOUNT_OPTION_HINT})${fsHint}`,
  );
}

function combine(into: { set: number; clear: number }, change: AttrChange): void {
  // A later option wins over an earlier one: `ro,rw` is rw. The atime modes are
  // an enum: changing one clears the whole MOUNT_ATTR__ATIME field, as mount_setattr wants.
  into.set = (into.set & ~change.clear) | change.set;
  into.clear = (into.clear & ~change.set) | change.clear;
}

/** Is this OCI mount a bind mount (a `bind`/`rbind` option, or type `bind`)? */
export function isBindMount(mount: Mount): boolean {
  return mount.type === 'bind' || (mount.options ?? []).some((o) => o === 'bind' || o === 'rbind');
}

/** Checks one OCI mount and sorts its options into what the new mount API takes. */
export function parseMount(mount: Mount, index: number): ParsedMount {
  const at = `mounts[${index}]`;
  if (typeof mount !== 'object' || mount === null) throw new GcError('EROOTFS_MOUNT', `${at}: expected an object`);
  const destination = containerPath(mount.destination, `${at}.destination`);
  if (destination === '/') {
    throw new GcError('EROOTFS_MOUNT', `${at}.destination: cannot mount over / (the root is set by root, not mounts)`);
  }
  const options = mount.options ?? [];
  if (!Array.isArray(options) || options.some((o) => typeof o !== 'string')) {
    throw new GcError('EROOTFS_OPTION', `${at}.options: expected an array of strings, got ${show(options)}`);
  }
  const bind = isBindMount(mount);
  if (!bind && (typeof mount.type !== 'string' || mount.type === '' || mount.type === 'none')) {
    throw new GcError(
      'EROOTFS_MOUNT',
      `${at}.type: ${show(mount.type)} is not a filesystem type (proc, tmpfs, sysfs, devpts, mqueue, cgroup, ...; or a bind option)`,
    );
  }
  const fstype = bind ? undefined : (mount.type as string);
  const attr = { set: 0, clear: 0 };
  const rattr = { set: 0, clear: 0 };
  const params: FsParam[] = [];
  let propagation: PropagationChange | undefined;
  let recursive = false;
  for (const [i, option] of options.entries()) {
    const field = `${at}.options[${i}]`;
    // Userspace options (x-systemd.*, x-gvfs-*) are not for the kernel.
    if (option.startsWith('x-')) continue;
    const flag = Object.hasOwn(MOUNT_FLAGS, option) ? MOUNT_FLAGS[option] : undefined;
    const prop = Object.hasOwn(PROPAGATION_FLAGS, option) ? PROPAGATION_FLAGS[option as Propagation] : undefined;
    if (flag) {
      combine(attr, flag);
      continue;
    }
    if (prop) {
      propagation = prop;
      continue;
    }
    if (option === 'bind' || option === 'rbind') {
      recursive = option === 'rbind';
      continue;
    }
    if (bind) {
      if (!RECURSIVE_FLAGS.has(option)) throw optionError(field, option, undefined);
      combine(rattr, MOUNT_FLAGS[option.slice(1)] as AttrChange);
      continue;
    }
    if (SB_FLAGS.has(option)) {
      params.push({ key: option });
      continue;
    }
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? undefined : option.slice(eq + 1);
    const known = Object.hasOwn(FS_OPTIONS, fstype as string) ? FS_OPTIONS[fstype as string] : undefined;
    if (known) {
      const want = Object.hasOwn(known, key) ? known[key] : undefined;
      if (want === undefined) throw optionError(field, option, fstype);
      if (want === 'value' && value === undefined) {
        throw new GcError('EROOTFS_OPTION', `${field}: ${JSON.stringify(option)} needs a value (${key}=...)`);
      }
      if (want === 'flag' && value !== undefined) {
        throw new GcError('EROOTFS_OPTION', `${field}: ${JSON.stringify(option)} takes no value (just ${key})`);
      }
    }
    if (key === '') throw optionError(field, option, fstype);
    params.push(value === undefined ? { key } : { key, value });
  }

  if (bind) {
    const source = mount.source;
    if (typeof source !== 'string' || !source.startsWith('/')) {
      throw new GcError('EROOTFS_MOUNT', `${at}.source: a bind mount needs an absolute host path, got ${show(source)}`);
    }
    return {
      kind: 'bind',
      index,
      destination,
      options,
      source,
      recursive,
      attr: { ...attr, propagation: 0 },
      recursiveAttr: { ...rattr, propagation: 0 },
      propagation,
    };
  }
  const source = typeof mount.source === 'string' && mount.source !== '' ? mount.source : (fstype as string);
  return {
    kind: 'fs',
    index,
    destination,
    options,
    fstype: fstype as string,
    source,
    params,
    // A fresh mount has no attributes to clear: only what is set matters.
    attrFlags: attr.set,
    propagation,
  };
}

/**
 * The recursive forms (`rro`, ...) need mount_setattr(2) with AT_RECURSIVE,
 * Linux 5.12+. Where the kernel lacks it, say so while planning rather than
 * fall back to a top-only `ro` that leaves the submounts writable.
 */
export function checkRecursiveAttrs(mounts: readonly ParsedMount[], kernelRelease: string): void {
  if (kernelAtLeast(kernelRelease, 5, 12)) return;
  for (const mount of mounts) {
    if (mount.kind !== 'bind') continue;
    const i = mount.options.findIndex((o) => RECURSIVE_FLAGS.has(o));
    if (i < 0) continue;
    throw new GcError(
      'EROOTFS_KERNEL',
      `mounts[${mount.index}].options[${i}]: ${JSON.stringify(mount.options[i])} needs mount_setattr(2) with AT_RECURSIVE, Linux 5.12 or later (this kernel is ${kernelRelease})`,
    );
  }
}
