import { join } from 'node:path';
import { CgroupDir } from './cgroup-dir.js';
import type { CgroupFs } from './cgroup-fs.js';
import { errnoCode, fsError } from './errors.js';
import { isNormalAbsolute, joinAbsolute } from './join-path.js';
import { sleep } from './poll.js';

/**
 * The extended attribute on a parent cgroup that a manager made: any
 * manager removes such a parent once it is empty (see removeParents), so
 * that the last container to leave it removes it, whichever made it.
 * Parents that were there before (an administrator's) are never removed.
 */
export const MADE_PARENT_XATTR = 'user.gocontainer.parent';

/** How often mkdirChain tries again when a concurrent destroy removed a parent under it. */
const MKDIR_ATTEMPTS = 5;

/**
 * mkdir each component of `path` under `mount`; returns the directories this
 * call created, top-down, so that destroy can remove them again. The parents
 * it made (not the cgroup itself) are tagged with MADE_PARENT_XATTR.
 */
export function mkdirChain(fs: CgroupFs, mount: string, path: string): string[] {
  const leaf = joinAbsolute(mount, path);
  for (let attempt = 1; ; attempt++) {
    let created: string[];
    try {
      created = mkdirOnce(fs, mount, path, leaf);
    } catch (e) {
      // The last container of a parent removed it between our mkdirs: make it again.
      if (errnoCode(e) !== 'ENOENT' || attempt === MKDIR_ATTEMPTS) throw e;
      continue;
    }
    tagParents(
      fs,
      created.filter((dir) => dir !== leaf),
    );
    return created;
  }
}

/** Tag parent cgroups as made by a manager (MADE_PARENT_XATTR), so that any manager removes them once empty. */
export function tagParents(fs: CgroupFs, dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      fs.setXattr?.(dir, MADE_PARENT_XATTR, '1');
    } catch {
      // Gone meanwhile, or no xattrs on this cgroupfs (before Linux 5.7): then only its maker removes it.
    }
  }
}

function mkdirOnce(fs: CgroupFs, mount: string, path: string, leaf: string): string[] {
  if (!fs.mkdirp) return mkdirEach(fs, mount, path);
  // One call, and no stat per component: the leaf is made at once when its
  // parent exists, and the parent first otherwise.
  let first: string | undefined;
  try {
    first = fs.mkdirp(leaf);
  } catch {
    // Again one directory at a time, so that the error names the one that failed.
    return mkdirEach(fs, mount, path);
  }
  if (first === undefined) return [];
  // `first` and the directories below it, down to the leaf (a normal path: its parent is up to the last slash).
  const created: string[] = [];
  for (let dir = leaf; dir.length > mount.length; dir = dir.slice(0, dir.lastIndexOf('/'))) {
    created.push(dir);
    if (dir === first) break;
  }
  return created.reverse();
}

function mkdirEach(fs: CgroupFs, mount: string, path: string): string[] {
  const created: string[] = [];
  let dir = mount;
  for (const part of path.split('/').filter(Boolean)) {
    dir = join(dir, part);
    if (fs.exists(dir)) continue;
    try {
      fs.mkdir(dir);
      created.push(dir);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw fsError(e, 'mkdir', `mkdir ${dir}`, dir);
    }
  }
  return created;
}

/** The directories from the mount down to the cgroup itself, as CgroupDirs. */
export function chain(fs: CgroupFs, mount: string, path: string, version: 1 | 2): CgroupDir[] {
  const out = [new CgroupDir(mount, version, fs)];
  const normal = isNormalAbsolute(mount) && isNormalAbsolute(path);
  let dir = mount;
  for (const part of path.split('/').filter(Boolean)) {
    dir = normal ? `${dir}/${part}` : join(dir, part);
    out.push(new CgroupDir(dir, version, fs));
  }
  return out;
}

/**
 * rmdir a cgroup and its child cgroups, leaf first. A cgroup whose last task
 * just died can stay busy for a moment: retry EBUSY until the deadline.
 */
export async function removeTree(fs: CgroupFs, dir: string, deadline: number): Promise<void> {
  if (!fs.exists(dir)) return;
  for (const sub of fs.subdirs(dir)) await removeTree(fs, join(dir, sub), deadline);
  for (;;) {
    try {
      fs.rmdir(dir);
      return;
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw fsError(e, 'rmdir', `rmdir ${dir}`, dir);
      await sleep(10);
    }
  }
}

/**
 * rmdir a cgroup that should be empty, in one call: true when it is gone (or
 * was not there). false when the kernel refused, EBUSY while it holds
 * processes or child cgroups: it was left as it is, for removeTree (which
 * also reports any other error).
 */
export function rmdirIfEmpty(fs: CgroupFs, dir: string): boolean {
  try {
    fs.rmdir(dir);
    return true;
  } catch (e) {
    return errnoCode(e) === 'ENOENT';
  }
}

/**
 * Once the cgroup itself is gone: rmdir its parents under `mount`, bottom-up,
 * while each is one this manager made (`created`) or another tagged
 * (MADE_PARENT_XATTR). It stops at the first that is not, and at one that
 * still holds another container's cgroup (EBUSY): that container's manager
 * removes it when it leaves.
 */
export function removeParents(fs: CgroupFs, mount: string, path: string, created: readonly string[]): void {
  const parents = chain(fs, mount, path, 1)
    .slice(1, -1)
    .map((d) => d.path)
    .reverse();
  for (const dir of parents) {
    if (!created.includes(dir) && !isMadeParent(fs, dir)) return;
    try {
      fs.rmdir(dir);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') continue;
      if (code === 'EBUSY' || code === 'ENOTEMPTY' || code === 'EEXIST') return;
      throw fsError(e, 'rmdir', `rmdir ${dir}`, dir);
    }
  }
}

/** The parents of the cgroup under `mount` that do not exist, bottom-up. */
export function missingParents(fs: CgroupFs, mount: string, path: string): string[] {
  const out: string[] = [];
  for (const { path: dir } of chain(fs, mount, path, 1).slice(1, -1).reverse()) {
    if (fs.exists(dir)) break;
    out.push(dir);
  }
  return out;
}

function isMadeParent(fs: CgroupFs, dir: string): boolean {
  try {
    return fs.getXattr?.(dir, MADE_PARENT_XATTR) !== undefined;
  } catch {
    return false; // gone meanwhile, or no xattrs here
  }
}
