import { realpathSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { checkPath, show } from './check-path.js';
import { usageError } from './usage-error.js';

/**
 * `--rootfs DIR`: an existing directory (made absolute) other than the host's own root.
 * pivot_root(2) cannot make the root it is on the new root (EBUSY), and runc
 * refuses a root of "/" for that reason; Docker has no such flag (its roots
 * are image layers). Running on the host's root is what leaving --rootfs out does.
 */
export function rootfs(value: string): string {
  checkPath('--rootfs', value, 'directory', { relative: true });
  if (!statSync(value, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`--rootfs: ${show(value)} is not a directory`);
  }
  const real = realpathSync.native(value);
  if (real === '/') {
    throw usageError(
      `--rootfs: ${show(value)} is the host's root, which cannot be a container's root (pivot_root needs another directory; runc refuses it too): leave --rootfs out to run on a throwaway overlay of the host's root`,
    );
  }
  // Absolute, as OCI's root.path is taken relative to a bundle, which `run` has none of.
  return resolve(value);
}

/**
 * `-w DIR`: an absolute path the kernel can take, made normal (`/a/../b` is
 * `/b`, as Docker cleans it), so that creating it cannot fail halfway for its
 * length nor make directories the path only passes through.
 */
export function workdir(value: string): string {
  checkPath('--workdir', value, 'working directory');
  return posix.normalize(value);
}

/** `--cgroup-parent PATH`: a cgroupfs path below the hierarchy's root, without "..". */
export function checkCgroupParent(value: string): void {
  checkPath('--cgroup-parent', value, 'cgroup path', { relative: true });
  if (value.split('/').includes('..')) {
    throw usageError(`--cgroup-parent: ${show(value)} must not contain ".." (a path below each hierarchy's root)`);
  }
  if (value.includes(':')) {
    throw usageError(
      `--cgroup-parent: ${show(value)} looks like a systemd slice path: only the cgroupfs driver is supported (such as /gocontainer)`,
    );
  }
}

/** The two paths of `-v HOST:CONTAINER[:MODE]` (dockerVolume has refused a container path of `/`). */
export function checkVolumePaths(source: string, destination: string): void {
  checkPath('--volume', source, 'host path');
  checkPath('--volume', destination, 'container path');
}
