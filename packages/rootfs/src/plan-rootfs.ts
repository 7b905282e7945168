import { AT_FDCWD, GcError, MOUNT_ATTR_RDONLY, MOUNT_ATTR_SIZE_VER0, type ProgramScope } from '@gc/syscall';
import { planCgroup } from './cgroup-mount.js';
import { containerPath } from './container-path.js';
import { containerDevices, mountsFreshDev, planDev } from './dev.js';
import { type CgroupLayout, createHostProbe, type HostProbe } from './host-probe.js';
import { isKernelPath, planMask, planReadonly } from './masked-paths.js';
import { checkRecursiveAttrs, type ParsedMount, PROPAGATION_FLAGS, parseMount } from './mount-options.js';
import { planBind, planFs } from './mount-plan.js';
import { checkLayers } from './overlay.js';
import { isShared, planPivot, planRootPropagation } from './pivot.js';
import { overlayTarget, prepareRoot } from './prepare-root.js';
import { RootResolver } from './resolve-in-root.js';
import { mountAttr } from './structs.js';
import type { Propagation, RootfsInput, RootfsPlan } from './types.js';
import { hiddenPaths, planWhiteouts } from './whiteout.js';

export interface PlanRootfsOptions {
  /** What planning reads from the host (default: this machine, through node:fs). */
  readonly host?: HostProbe;
  /**
   * Called once every mount is planned, just before the pivot: for ops that
   * need the container's mounts and still the runtime's files (OCI
   * createContainer hooks, and the handshake for createRuntime ones).
   */
  readonly beforePivot?: () => void;
}

function checkInput(input: RootfsInput): Propagation {
  if (typeof input !== 'object' || input === null) throw new GcError('EROOTFS_INPUT', 'rootfs: expected an object');
  if (typeof input.root !== 'object' || input.root === null || !('path' in input.root || 'overlay' in input.root)) {
    throw new GcError('EROOTFS_ROOT', 'root: expected { path } or { overlay: { lower, upper, work } }');
  }
  if ('path' in input.root && (typeof input.root.path !== 'string' || !input.root.path.startsWith('/'))) {
    throw new GcError(
      'EROOTFS_ROOT',
      `root.path: expected an absolute host path, got ${JSON.stringify(input.root.path)}`,
    );
  }
  if ('overlay' in input.root) {
    checkLayers(input.root.overlay, 'root.overlay');
    hiddenPaths(input.root.overlay.hidden, 'root.overlay.hidden');
  }
  if (!Array.isArray(input.mounts)) throw new GcError('EROOTFS_MOUNT', 'mounts: expected an array of mounts');
  const propagation = input.propagation ?? 'rprivate';
  if (!Object.hasOwn(PROPAGATION_FLAGS, propagation)) {
    throw new GcError(
      'EROOTFS_PROPAGATION',
      `propagation: ${JSON.stringify(propagation)} is not one of ${Object.keys(PROPAGATION_FLAGS).join(', ')}`,
    );
  }
  return propagation;
}

function pathList(paths: readonly string[] | undefined, field: string): string[] {
  if (paths === undefined) return [];
  if (!Array.isArray(paths)) throw new GcError('EROOTFS_PATH', `${field}: expected an array of paths`);
  return paths.map((path, i) => containerPath(path, `${field}[${i}]`));
}

/**
 * Plan the container's root filesystem into `program`, credited to
 * `@gc/rootfs`. In order: `/` made private (or the requested propagation);
 * the overlay's hidden paths whited out in its upper layer; the root made a
 * mount (a bind on itself, or an overlay assembled in the child's mount
 * namespace) and opened; every mount in the order given, each
 * target resolved inside the root; /dev populated when a tmpfs is mounted on
 * it; read-only then masked paths; the working directory created; pivot_root
 * (or MS_MOVE + chroot); the root made read-only; chdir to the working
 * directory. Every fd it opens it closes.
 *
 * Whatever depends on the host is decided now, from `options.host`: whether a
 * bind source is a file, which masked paths this kernel has, the cgroup layout.
 * Throws GcError (naming the field) before appending anything if the input is
 * wrong.
 */
export function planRootfs(program: ProgramScope, input: RootfsInput, options: PlanRootfsOptions = {}): RootfsPlan {
  const propagation = checkInput(input);
  const host = options.host ?? createHostProbe();
  const mounts: ParsedMount[] = input.mounts.map((mount, i) => parseMount(mount, i));
  checkRecursiveAttrs(mounts, host.kernelRelease());
  const readonlyPaths = pathList(input.readonlyPaths, 'readonlyPaths');
  const maskedPaths = pathList(input.maskedPaths, 'maskedPaths');
  const cwd = input.cwd === undefined ? undefined : containerPath(input.cwd, 'cwd');
  const rootPath = 'path' in input.root ? input.root.path : overlayTarget(input.root.overlay);
  const userNamespace = input.userNamespace ?? false;
  const devices = containerDevices(input.devices);
  if (input.devices?.length && !mountsFreshDev(mounts)) {
    throw new GcError('EROOTFS_DEVICE', 'linux.devices: needs a tmpfs mounted on /dev (the nodes are made there)');
  }
  let cgroups: CgroupLayout | undefined;
  const parentMount = isShared(propagation) ? host.mountPointOf(rootPath) : '/';

  const p = program.scope('@gc/rootfs');
  planRootPropagation(p, propagation);
  if ('overlay' in input.root) {
    const { overlay } = input.root;
    planWhiteouts(p, overlay, hiddenPaths(overlay.hidden, 'root.overlay.hidden'), host);
  }
  const root = prepareRoot(p, input.root, host.kernelRelease());
  // Where planning looks at the image: the root directory, or the overlay's layers, top-most first.
  const image = root.layers ? [root.layers.upper, ...root.layers.lower] : [root.path];
  const resolver = new RootResolver(p, root.fd, root.layers ? undefined : root.path, host, image);

  for (const mount of mounts) {
    if (mount.kind === 'bind') {
      planBind(
        p,
        resolver,
        mount,
        host.stat(mount.source) === 'dir' || host.stat(mount.source) === undefined ? 'dir' : 'file',
      );
    } else if (mount.fstype === 'cgroup') {
      cgroups ??= host.cgroupLayout();
      planCgroup(p, resolver, mount, cgroups, userNamespace, input.cgroupNamespace ?? false);
    } else {
      planFs(p, resolver, mount);
    }
  }

  const devCreated = mountsFreshDev(mounts);
  if (devCreated) {
    planDev(p, resolver, {
      devices,
      bindFromHost: userNamespace,
      kcore: host.stat('/proc/kcore') !== undefined,
    });
  }

  // A kernel path exists in the container iff it exists here; other paths are looked up in the image.
  const kindOf = (path: string): 'dir' | 'file' | undefined => {
    let kind = isKernelPath(path) ? host.stat(path) : undefined;
    if (!isKernelPath(path)) {
      for (const place of image) {
        kind = host.stat(place + path);
        if (kind !== undefined) break;
      }
    }
    return kind === undefined ? undefined : kind === 'dir' ? 'dir' : 'file';
  };
  const keptReadonly = readonlyPaths.filter((path) => kindOf(path) !== undefined);
  for (const path of keptReadonly) planReadonly(p, resolver, path);
  const keptMasked: string[] = [];
  for (const path of maskedPaths) {
    const kind = kindOf(path);
    if (kind === undefined) continue;
    planMask(p, resolver, path, kind);
    keptMasked.push(path);
  }

  if (cwd !== undefined) resolver.ensureDir(cwd);
  options.beforePivot?.();
  planPivot(p, { rootFd: root.fd, propagation, parentMount, noPivot: input.noPivot ?? false });
  p.syscall('close', [root.fd], 'close the root fd');
  if (input.root.readonly) {
    const attr = mountAttr(p, { set: MOUNT_ATTR_RDONLY, clear: 0, propagation: 0 });
    p.syscall('mount_setattr', [AT_FDCWD, '/', 0, attr, MOUNT_ATTR_SIZE_VER0], 'make / read-only');
  }
  if (cwd !== undefined && cwd !== '/') p.syscall('chdir', [cwd], `change to the working directory ${cwd}`);
  return { rootPath, maskedPaths: keptMasked, readonlyPaths: keptReadonly, devCreated };
}
