import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GcError, type Kernel, MNT_DETACH, SyscallError } from '@gc/syscall';

/**
 * overlayfs splits `lowerdir` on `:` and the mount data on `,`, and takes `\`
 * as the escape for both: each of the three is escaped with a backslash.
 */
export function escapeOverlayPath(path: string): string {
  return path.replace(/[\\:,]/g, (c) => `\\${c}`);
}

export interface OverlayLayers {
  /** Read-only layers, top-most first (overlayfs's `lowerdir` order). */
  lower: string[];
  upper: string;
  work: string;
}

/** The legacy mount(2) data for an overlay: `lowerdir=a:b,upperdir=u,workdir=w`, escaped. */
export function overlayMountData(layers: OverlayLayers): string {
  checkLayers(layers, 'overlay');
  const lower = layers.lower.map(escapeOverlayPath).join(':');
  return `lowerdir=${lower},upperdir=${escapeOverlayPath(layers.upper)},workdir=${escapeOverlayPath(layers.work)}`;
}

export function checkLayers(layers: OverlayLayers, field: string): void {
  if (!Array.isArray(layers.lower) || layers.lower.length === 0) {
    throw new GcError('EROOTFS_OVERLAY', `${field}.lower: expected at least one lower layer directory`);
  }
  const all: Array<[string, unknown]> = [
    ...layers.lower.map((l, i): [string, unknown] => [`${field}.lower[${i}]`, l]),
    [`${field}.upper`, layers.upper],
    [`${field}.work`, layers.work],
  ];
  for (const [name, value] of all) {
    if (typeof value !== 'string' || !value.startsWith('/')) {
      throw new GcError('EROOTFS_OVERLAY', `${name}: expected an absolute host path, got ${JSON.stringify(value)}`);
    }
  }
}

/** Linux's mount(2) copies one page of data. */
const MOUNT_DATA_MAX = 4095;

export interface MountedOverlay {
  readonly target: string;
  /** Detach the overlay (MNT_DETACH); calling it again does nothing. */
  unmount(): void;
}

/**
 * Assemble an overlay on the host, in this process's mount namespace (image
 * preparation, not container setup: for a container root prefer `planRootfs`
 * with `root.overlay`, which mounts inside the child's namespace only).
 */
export function mountOverlay(kernel: Kernel, options: OverlayLayers & { target: string }): MountedOverlay {
  const data = overlayMountData(options);
  if (data.length > MOUNT_DATA_MAX) {
    throw new GcError(
      'EROOTFS_OVERLAY',
      `overlay: the mount options for ${options.lower.length} lower layers take ${data.length} bytes; mount(2) takes at most ${MOUNT_DATA_MAX} (use shorter layer paths, e.g. symlinks)`,
    );
  }
  kernel.mount('overlay', options.target, 'overlay', 0, data);
  let mounted = true;
  return {
    target: options.target,
    unmount() {
      if (!mounted) return;
      try {
        kernel.umount2(options.target, MNT_DETACH);
      } catch (error) {
        // Someone unmounted it already: the goal is reached.
        if (!(SyscallError.isInstance(error) && error.errnoCode === 'EINVAL')) throw error;
      }
      mounted = false;
    },
  };
}

export interface OverlayDirs {
  readonly upper: string;
  readonly work: string;
  readonly merged: string;
}

/** `base/upper`, `base/work` and `base/merged`, created (mkdir -p). */
export function createOverlayDirs(base: string): OverlayDirs {
  const dirs = { upper: join(base, 'upper'), work: join(base, 'work'), merged: join(base, 'merged') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dirs;
}

/** Remove what `createOverlayDirs` made (the overlay must be unmounted). */
export function removeOverlayDirs(base: string): void {
  for (const name of ['upper', 'work', 'merged']) rmSync(join(base, name), { recursive: true, force: true });
}
