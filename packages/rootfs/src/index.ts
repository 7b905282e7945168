// @gc/rootfs: the container's root filesystem as ops of a syscall program
// (mounts, /dev, masked and read-only paths, pivot_root), and host-side overlays.

export type { Device, DevOptions, LinuxDevice } from './dev.js';
export { defaultDevices, defaultMounts, devSymlinks, makedev } from './dev.js';
export type { CgroupHierarchy, CgroupLayout, FileOwner, HostProbe, PathKind } from './host-probe.js';
export { createHostProbe, parseCgroupMountinfo } from './host-probe.js';
export { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './masked-paths.js';
export type { FsParam, ParsedBind, ParsedFs, ParsedMount, PropagationChange } from './mount-options.js';
export { isBindMount, MOUNT_OPTIONS, PROPAGATION_FLAGS, parseMount } from './mount-options.js';
export type { MountedOverlay, OverlayDirs, OverlayLayers } from './overlay.js';
export {
  createOverlayDirs,
  escapeOverlayPath,
  mountOverlay,
  overlayMountData,
  removeOverlayDirs,
} from './overlay.js';
export { overlayFsParams } from './overlay-params.js';
export type { PlanRootfsOptions } from './plan-rootfs.js';
export { planRootfs } from './plan-rootfs.js';
export { overlayTarget } from './prepare-root.js';
export type { Mount, Propagation, RootfsInput, RootfsPlan, RootSpec } from './types.js';
