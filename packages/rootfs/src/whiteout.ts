import { posix } from 'node:path';
import {
  ARCH_OPEN_FLAGS,
  AT_FDCWD,
  GcError,
  O_CLOEXEC,
  O_PATH,
  O_RDONLY,
  type OpRef,
  type ProgramScope,
  RESOLVE_BENEATH,
  RESOLVE_NO_SYMLINKS,
  RESOLVE_NO_XDEV,
  S_IFCHR,
} from '@gc/syscall';
import { containerPath, isWithin, prefixes, relative } from './container-path.js';
import type { HostProbe } from './host-probe.js';
import type { OverlayLayers } from './overlay.js';
import { OPEN_HOW_SIZE, openHow } from './structs.js';

/**
 * The normalised hidden paths, without those below another one (its whiteout
 * hides them already), and without `/`.
 */
export function hiddenPaths(paths: readonly unknown[] | undefined, field: string): string[] {
  if (paths === undefined) return [];
  if (!Array.isArray(paths)) throw new GcError('EROOTFS_OVERLAY', `${field}: expected an array of paths`);
  const all = paths.map((path, i) => {
    const normal = containerPath(path, `${field}[${i}]`);
    if (normal === '/') throw new GcError('EROOTFS_OVERLAY', `${field}[${i}]: cannot hide the whole root`);
    return normal;
  });
  return [...new Set(all)].filter((path) => !all.some((other) => other !== path && isWithin(path, other)));
}

/**
 * Hide paths of the lower layers from the container, with the kernel doing
 * the enforcing: a whiteout (a 0:0 character device) for each in the upper
 * directory, made before the overlay is mounted. overlayfs then shows nothing
 * there, whatever the lower layers hold now or later, and nothing the
 * container does reveals it (a file or directory it makes in its place is
 * opaque). No mount is involved, so there is none to unmount.
 *
 * A whiteout's parent directories are made in the upper directory with the
 * mode and owner the top-most lower layer gives them (what overlayfs's own
 * copy-up would do). Where an ancestor exists in no lower layer, the
 * whiteout goes there instead, so the container never sees a directory the
 * host does not have. The paths must be real paths of the layers: one that
 * leads through a symlink is refused (the container would see through it to
 * the link's target).
 *
 * Every component is opened with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS from
 * the upper directory, so a symlink planted in an upper directory cannot
 * redirect the mkdir, chown, chmod or mknod onto the host.
 */
export function planWhiteouts(p: ProgramScope, layers: OverlayLayers, paths: readonly string[], host: HostProbe): void {
  if (paths.length === 0) return;
  const O_DIRECTORY = ARCH_OPEN_FLAGS[p.arch].O_DIRECTORY;
  const upper = p.syscall(
    'openat',
    [AT_FDCWD, layers.upper, O_PATH | O_DIRECTORY | O_CLOEXEC],
    `open the upper layer ${layers.upper} to hide paths of the lower ones`,
  );
  // The lower layer that shows `path`: the top-most that has it.
  const inLower = (path: string) => {
    for (const layer of layers.lower) {
      const kind = host.lstat(posix.join(layer, path));
      if (kind !== undefined) return { layer, kind };
    }
    return undefined;
  };
  const made = new Set<string>();
  for (const hidden of paths) {
    let whiteout = hidden;
    for (const dir of prefixes(posix.dirname(hidden))) {
      const found = inLower(dir);
      if (found === undefined) {
        whiteout = dir;
        break;
      }
      if (found.kind === 'symlink') {
        throw new GcError(
          'EROOTFS_OVERLAY',
          `root.overlay.hidden: ${hidden} leads through the symlink ${dir} of ${found.layer}; give its real path`,
        );
      }
      if (found.kind !== 'dir') {
        whiteout = ''; // a file there: nothing below it can exist
        break;
      }
      if (made.has(dir)) continue;
      const attrs = host.owner(posix.join(found.layer, dir));
      if (attrs === undefined) throw new GcError('EROOTFS_OVERLAY', `root.overlay.hidden: cannot read ${dir}`);
      const parent = posix.dirname(dir) === '/' ? upper : undefined;
      const parentFd = parent ?? openBeneath(p, upper, posix.dirname(dir), O_PATH | O_DIRECTORY);
      p.syscall('mkdirat', [parentFd, posix.basename(dir), 0o700], `create ${dir} in the upper layer`, {
        tolerate: ['EEXIST'],
      });
      if (parent === undefined) p.syscall('close', [parentFd], `close ${posix.dirname(dir)} of the upper layer`);
      const fd = openBeneath(p, upper, dir, O_RDONLY | O_DIRECTORY);
      p.syscall('fchown', [fd, attrs.uid, attrs.gid], `give ${dir} of the upper layer the lower's owner`);
      p.syscall(
        'fchmod',
        [fd, attrs.mode & 0o7777],
        `give ${dir} of the upper layer the lower's mode 0${(attrs.mode & 0o7777).toString(8)}`,
      );
      p.syscall('close', [fd], `close ${dir} of the upper layer`);
      made.add(dir);
    }
    if (whiteout === '') continue;
    const parentDir = posix.dirname(whiteout);
    const parentFd = parentDir === '/' ? upper : openBeneath(p, upper, parentDir, O_PATH | O_DIRECTORY);
    // A 0:0 character device is overlayfs's whiteout; one already there (a reused upper) hides the path too.
    p.syscall('mknodat', [parentFd, posix.basename(whiteout), S_IFCHR, 0], `hide ${whiteout} from the container`, {
      tolerate: ['EEXIST'],
    });
    if (parentFd !== upper) p.syscall('close', [parentFd], `close ${parentDir} of the upper layer`);
  }
  p.syscall('close', [upper], 'close the upper layer');
}

function openBeneath(p: ProgramScope, upper: OpRef, path: string, flags: number): OpRef {
  const how = openHow(p, flags | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
  return p.syscall('openat2', [upper, relative(path), how, OPEN_HOW_SIZE], `open ${path} in the upper layer`);
}
