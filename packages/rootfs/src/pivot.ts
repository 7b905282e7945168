import { MNT_DETACH, MS_MOVE, MS_PRIVATE, MS_REC, type OpRef, type ProgramScope } from '@gc/syscall';
import { PROPAGATION_FLAGS } from './mount-options.js';
import type { Propagation } from './types.js';

/** `mount(NULL, "/", NULL, MS_REC|MS_PRIVATE)`, or the requested propagation: the first thing the plan does. */
export function planRootPropagation(p: ProgramScope, propagation: Propagation): void {
  const { flag, recursive } = PROPAGATION_FLAGS[propagation];
  p.syscall('mount', [null, '/', null, flag | (recursive ? MS_REC : 0), null], `make / ${propagation}`);
}

export function isShared(propagation: Propagation): boolean {
  return propagation === 'shared' || propagation === 'rshared';
}

/**
 * pivot_root and MS_MOVE refuse shared mounts (the old root, the new root and
 * its parent). With a shared propagation those three are made private just
 * before, and `/` is made shared again after: the container's own mounts go on
 * propagating from there.
 */
function unshareForPivot(p: ProgramScope, parentMount: string): void {
  p.syscall('mount', [null, '/', null, MS_PRIVATE, null], 'make the old / private for the pivot');
  if (parentMount !== '/') {
    p.syscall(
      'mount',
      [null, parentMount, null, MS_PRIVATE, null],
      `make ${parentMount} (holding the root) private for the pivot`,
    );
  }
  p.syscall('mount', [null, '.', null, MS_PRIVATE, null], 'make the root private for the pivot');
}

export interface PivotOptions {
  readonly rootFd: OpRef;
  readonly propagation: Propagation;
  /** The host mount point of the mount that holds the root (for shared propagation). */
  readonly parentMount: string;
  readonly noPivot: boolean;
}

/**
 * Make the root `/`. pivot_root as runc does it: `fchdir(rootfd);
 * pivot_root(".", ".")` stacks the old root on the new one, and
 * `umount2(".", MNT_DETACH)` takes it away, so no directory is needed for the
 * old root. With noPivot: move the root mount onto `/` and chroot into it
 * (for roots where pivot_root fails, such as the initramfs).
 */
export function planPivot(p: ProgramScope, options: PivotOptions): void {
  p.syscall('fchdir', [options.rootFd], 'change to the root');
  const shared = isShared(options.propagation);
  if (shared) unshareForPivot(p, options.parentMount);
  if (options.noPivot) {
    p.syscall('mount', ['.', '/', null, MS_MOVE, null], 'move the root onto /');
    p.syscall('chroot', ['.'], 'chroot into the root');
  } else {
    p.syscall('pivot_root', ['.', '.'], 'pivot_root into the root');
    p.syscall('umount2', ['.', MNT_DETACH], 'detach the old root');
  }
  p.syscall('chdir', ['/'], 'change to /');
  if (shared) {
    const { flag, recursive } = PROPAGATION_FLAGS[options.propagation];
    p.syscall('mount', [null, '/', null, flag | (recursive ? MS_REC : 0), null], `make / ${options.propagation} again`);
  }
}
