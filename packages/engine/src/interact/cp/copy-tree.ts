import { O_PATH } from '@gc/syscall';
import { planCopy } from './copy-plan.js';
import { missing, type RootedFs, statFd } from './rooted-fs.js';
import { openTreeSource } from './tree-walker.js';
import { createTreeWriter } from './tree-writer.js';

export interface CopyOptions {
  /** `-a`: keep every entry's owner (uid and gid). */
  readonly archive?: boolean;
  /** `-L`: follow the source if it is a symlink. */
  readonly followLink?: boolean;
}

/**
 * `cp SRC DEST` from one tree to another (a container's and the host's,
 * either way), with Docker's rules for where SRC lands (planCopy): files,
 * directories, symlinks (as symlinks), devices and FIFOs, with their modes
 * and times, and with `archive` their owners. Both paths are resolved by
 * their RootedFs: a container's inside its root.
 */
export function copyTree(
  source: RootedFs,
  sourcePath: string,
  destination: RootedFs,
  destinationPath: string,
  options: CopyOptions = {},
): void {
  const src = openTreeSource(source, sourcePath, options.followLink ? { followLink: true } : {});
  try {
    const destFd = missing(() => destination.open(destinationPath, O_PATH));
    let isDir: boolean | undefined;
    if (destFd !== undefined) {
      isDir = statFd(destFd).isDirectory();
      destination.kernel.close(destFd);
    }
    const plan = planCopy({ path: sourcePath, isDir: src.isDir }, { path: destinationPath, isDir });
    const writer = createTreeWriter(destination, plan.parent, plan.name, { keepOwners: options.archive ?? false });
    try {
      src.walk(writer);
    } catch (e) {
      writer.abort();
      throw e;
    }
    writer.finish();
  } finally {
    src.close();
  }
}
