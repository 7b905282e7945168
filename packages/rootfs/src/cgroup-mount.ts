import {
  AT_FDCWD,
  MOUNT_ATTR_NODEV,
  MOUNT_ATTR_NOEXEC,
  MOUNT_ATTR_NOSUID,
  MOUNT_ATTR_RDONLY,
  MOVE_MOUNT_F_EMPTY_PATH,
  MOVE_MOUNT_T_EMPTY_PATH,
  O_CLOEXEC,
  O_PATH,
  OPEN_TREE_CLOEXEC,
  OPEN_TREE_CLONE,
  type OpRef,
  type ProgramScope,
  RESOLVE_IN_ROOT,
  RESOLVE_NO_MAGICLINKS,
} from '@gc/syscall';
import type { CgroupLayout } from './host-probe.js';
import type { FsParam, ParsedFs } from './mount-options.js';
import { createFs, planBind, planFs, setAttr } from './mount-plan.js';
import type { RootResolver } from './resolve-in-root.js';
import { OPEN_HOW_SIZE, openHow } from './structs.js';

const CGROUP_ATTRS = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
/** Where `CgroupLayout.unified` says a hybrid host mounts its cgroup2. */
const HOST_UNIFIED = '/sys/fs/cgroup/unified';

/** `cpu` -> flag, `name=systemd` -> string: how the host's superblock options become fsconfig params. */
function hierarchyParams(options: readonly string[]): FsParam[] {
  return options.map((o) => {
    const eq = o.indexOf('=');
    return eq < 0 ? { key: o } : { key: o.slice(0, eq), value: o.slice(eq + 1) };
  });
}

/**
 * An OCI `cgroup` mount. Engines send type `cgroup` whatever the host runs;
 * what gets mounted follows the host, as runc does:
 *
 * - v2 (unified): a `cgroup2` filesystem. In the container's cgroup namespace
 *   its root is the container's own cgroup.
 * - v1 or hybrid: a tmpfs on the destination and in it, for each hierarchy the
 *   host mounts under /sys/fs/cgroup, a fresh `cgroup` filesystem with the same
 *   controllers (the kernel insists on the same set: `cpu,cpuacct` together),
 *   the `unified` cgroup2 of a hybrid host, and the `cpu -> cpu,cpuacct` links.
 *   Without a cgroup namespace that `unified` is a clone of the host's mount
 *   rather than a new one: outside a cgroup namespace a new cgroup2 mount
 *   applies its options to the one hierarchy, host-wide (a host's
 *   `nsdelegate` would be cleared), and makes every one of them wait for an
 *   RCU grace period while doing it. In one, the new mount's root is the
 *   container's cgroup: a new one is mounted.
 *   With `ro` the tmpfs and every hierarchy are read-only; the tmpfs is made
 *   read-only last, once it is populated.
 * - v1 in a user namespace: a cgroup v1 filesystem needs CAP_SYS_ADMIN in the
 *   initial user namespace, so the host's /sys/fs/cgroup is rbind-mounted
 *   instead (runc does the same for rootless containers).
 */
export function planCgroup(
  p: ProgramScope,
  root: RootResolver,
  mount: ParsedFs,
  layout: CgroupLayout,
  userNamespace: boolean,
  cgroupNamespace = false,
): void {
  if (layout.mode === 'unified') {
    planFs(p, root, { ...mount, source: mount.source === 'cgroup' ? 'cgroup2' : mount.source }, 'cgroup2');
    return;
  }
  const readonly = (mount.attrFlags & MOUNT_ATTR_RDONLY) !== 0;
  const { destination } = mount;
  if (userNamespace) {
    const attr = { set: mount.attrFlags, clear: 0, propagation: 0 };
    planBind(
      p,
      root,
      {
        kind: 'bind',
        index: mount.index,
        destination,
        options: ['rbind', ...mount.options],
        source: '/sys/fs/cgroup',
        recursive: true,
        attr,
        recursiveAttr: attr,
        propagation: mount.propagation,
      },
      'dir',
    );
    return;
  }
  root.ensureDir(destination);
  // Populated through this fd, then made read-only: a read-only tmpfs could not get its directories.
  const tmpfs = createFs(p, 'tmpfs', 'tmpfs', [{ key: 'mode', value: '755' }], CGROUP_ATTRS, destination);
  const target = root.open(destination);
  p.syscall(
    'move_mount',
    [tmpfs, '', target, '', MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH],
    `mount tmpfs on ${destination} for the cgroup hierarchies`,
  );
  root.close(target, destination);

  const attrFlags = CGROUP_ATTRS | (readonly ? MOUNT_ATTR_RDONLY : 0);
  for (const hierarchy of layout.hierarchies) {
    const path = `${destination}/${hierarchy.dir}`;
    const mnt = createFs(p, 'cgroup', 'cgroup', hierarchyParams(hierarchy.options), attrFlags, path);
    attachUnder(p, tmpfs, hierarchy.dir, path, mnt, `mount cgroup ${hierarchy.options.join(',')} on ${path}`);
    const controllers = hierarchy.dir.split(',');
    if (controllers.length > 1) {
      for (const controller of controllers) {
        p.syscall(
          'symlinkat',
          [hierarchy.dir, tmpfs, controller],
          `link ${destination}/${controller} to ${hierarchy.dir}`,
        );
      }
    }
  }
  if (layout.unified) {
    const path = `${destination}/unified`;
    if (cgroupNamespace) {
      const mnt = createFs(p, 'cgroup2', 'cgroup2', [], attrFlags, path);
      attachUnder(p, tmpfs, 'unified', path, mnt, `mount cgroup2 on ${path}`);
    } else {
      // Before the pivot: the host's mount is still in sight.
      const mnt = p.syscall(
        'open_tree',
        [AT_FDCWD, HOST_UNIFIED, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC],
        `clone ${HOST_UNIFIED} for ${path}`,
      );
      // A new mount's options: read-only only when asked, whatever the host's is.
      const attr = { set: attrFlags, clear: MOUNT_ATTR_RDONLY & ~attrFlags, propagation: 0 };
      setAttr(p, mnt, attr, false, `set the options of the clone of ${HOST_UNIFIED} for ${path}`);
      attachUnder(p, tmpfs, 'unified', path, mnt, `bind ${HOST_UNIFIED} on ${path}`);
    }
  }
  if (mount.propagation) {
    const attr = { set: 0, clear: 0, propagation: mount.propagation.flag };
    setAttr(p, tmpfs, attr, mount.propagation.recursive, `set the propagation of ${destination}`);
  }
  if (readonly) {
    setAttr(
      p,
      tmpfs,
      { set: MOUNT_ATTR_RDONLY, clear: 0, propagation: 0 },
      false,
      `make the tmpfs on ${destination} read-only`,
    );
  }
  root.close(tmpfs, `the tmpfs on ${destination}`);
  root.mounted(destination, 'dir');
}

/** mkdir `name` in a tmpfs we just made (nothing else can be there), and attach `mnt` on it. */
function attachUnder(p: ProgramScope, dir: OpRef, name: string, path: string, mnt: OpRef, label: string): void {
  p.syscall('mkdirat', [dir, name, 0o755], `create ${path}`);
  const how = openHow(p, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
  const target = p.syscall('openat2', [dir, name, how, OPEN_HOW_SIZE], `open ${path}`);
  p.syscall('move_mount', [mnt, '', target, '', MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH], label);
  p.syscall('close', [target], `close ${path}`);
  p.syscall('close', [mnt], `close the cgroup mount for ${path}`);
}
