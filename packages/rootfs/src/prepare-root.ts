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
import { kernelAtLeast } from './host-probe.js';
import { checkLayers, escapeOverlayPath, type OverlayLayers } from './overlay.js';
import type { RootSpec } from './types.js';

/** fsconfig(2) copies at most 256 bytes of a string value, NUL included. */
const FSCONFIG_STRING_MAX = 255;

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

function fsconfigString(value: string, field: string): string {
  if (Buffer.byteLength(value) > FSCONFIG_STRING_MAX) {
    throw new GcError(
      'EROOTFS_OVERLAY',
      `${field}: ${value.length} bytes is longer than fsconfig takes (${FSCONFIG_STRING_MAX}); use a shorter path`,
    );
  }
  return value;
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
  checkLayers(overlay, 'root.overlay');
  const target = overlayTarget(overlay);
  const fs = p.syscall('fsopen', ['overlay', FSOPEN_CLOEXEC], 'open an overlay filesystem for the root');
  const set = (key: string, value: string, label: string) =>
    p.syscall('fsconfig', [fs, FSCONFIG_SET_STRING, key, value, 0], label);
  set('source', 'overlay', 'set source=overlay on the root overlay');
  if (kernelAtLeast(kernelRelease, 6, 8)) {
    // One layer per `lowerdir+`: fsconfig's 256-byte strings then limit a path, not the layer count.
    // overlayfs takes a `lowerdir+` value as the path itself (no unescaping, unlike upperdir and workdir):
    // escaped, a `:`, `,` or `\` in it would name another directory.
    overlay.lower.forEach((layer, i) => {
      set(
        'lowerdir+',
        fsconfigString(layer, `root.overlay.lower[${i}]`),
        `add the lower layer ${layer} to the root overlay`,
      );
    });
  } else {
    const lower = overlay.lower.map(escapeOverlayPath).join(':');
    set('lowerdir', fsconfigString(lower, 'root.overlay.lower'), 'set the lower layers of the root overlay');
  }
  set(
    'upperdir',
    fsconfigString(escapeOverlayPath(overlay.upper), 'root.overlay.upper'),
    `set the upper layer ${overlay.upper}`,
  );
  set(
    'workdir',
    fsconfigString(escapeOverlayPath(overlay.work), 'root.overlay.work'),
    `set the work dir ${overlay.work}`,
  );
  p.syscall('fsconfig', [fs, FSCONFIG_CMD_CREATE, null, null, 0], 'create the root overlay');
  const mnt = p.syscall('fsmount', [fs, FSMOUNT_CLOEXEC, 0], 'make a mount of the root overlay');
  p.syscall('close', [fs], 'close the overlay filesystem context');
  p.syscall('move_mount', [mnt, '', AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH], `mount the root overlay on ${target}`);
  p.syscall('close', [mnt], 'close the root overlay mount');
  return { path: target, fd: openRoot(target), layers: overlay };
}
