import { posix } from 'node:path';
import {
  ARCH_OPEN_FLAGS,
  AT_FDCWD,
  FSCONFIG_CMD_CREATE,
  FSCONFIG_SET_STRING,
  FSMOUNT_CLOEXEC,
  FSOPEN_CLOEXEC,
  GcError,
  MOVE_MOUNT_F_EMPTY_PATH,
  MS_BIND,
  MS_REC,
  O_CLOEXEC,
  O_PATH,
  type OpRef,
  type ProgramScope,
} from '@gc/syscall';
import type { OverlayLayers } from './overlay.js';
import { overlayFsParams } from './overlay-params.js';
import type { RootSpec } from './types.js';

export interface PreparedRoot {
  /** The host path that becomes `/`. */
  readonly path: string;
  /** An O_PATH fd on the root mount. */
  readonly fd: OpRef;
  /** The overlay's layers, when the root is an overlay (for looking at the image while planning). */
  readonly layers: OverlayLayers | undefined;
}

/** Where an overlay root is attached: its `target`, else the `merged` sibling of `upper`. */
export function overlayTarget(overlay: OverlayLayers & { target?: string }): string {
  return overlay.target ?? posix.join(posix.dirname(overlay.upper), 'merged');
}

/**
 * Make the root a mount of its own (pivot_root needs one), and open it.
 *
 * A directory is bind-mounted on itself. An overlay is assembled here, in the
 * child's mount namespace, so that nothing of it is ever visible on the host
 * and it goes away with the container: fsopen("overlay") with one `lowerdir+`
 * per layer (Linux 6.8+; before, one escaped `lowerdir`), attached on its
 * target directory, which the caller creates (by default `merged` next to
 * `upper`).
 */
export function prepareRoot(p: ProgramScope, root: RootSpec, kernelRelease: string): PreparedRoot {
  const openRoot = (path: string) =>
    p.syscall(
      'openat',
      [AT_FDCWD, path, O_PATH | ARCH_OPEN_FLAGS[p.arch].O_DIRECTORY | O_CLOEXEC],
      `open the root ${path}`,
    );
  if ('path' in root) {
    const path = root.path;
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new GcError('EROOTFS_ROOT', `root.path: expected an absolute host path, got ${JSON.stringify(path)}`);
    }
    p.syscall('mount', [path, path, null, MS_BIND | MS_REC, null], `bind the root ${path} on itself`);
    return { path, fd: openRoot(path), layers: undefined };
  }
  const overlay = root.overlay;
  const params = overlayFsParams(overlay, kernelRelease, 'root.overlay');
  const target = overlayTarget(overlay);
  const fs = p.syscall('fsopen', ['overlay', FSOPEN_CLOEXEC], 'open an overlay filesystem for the root');
  for (const { key, value, label } of params) p.syscall('fsconfig', [fs, FSCONFIG_SET_STRING, key, value, 0], label);
  p.syscall('fsconfig', [fs, FSCONFIG_CMD_CREATE, null, null, 0], 'create the root overlay');
  const mnt = p.syscall('fsmount', [fs, FSMOUNT_CLOEXEC, 0], 'make a mount of the root overlay');
  p.syscall('close', [fs], 'close the overlay filesystem context');
  p.syscall('move_mount', [mnt, '', AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH], `mount the root overlay on ${target}`);
  p.syscall('close', [mnt], 'close the root overlay mount');
  return { path: target, fd: openRoot(target), layers: overlay };
}
