import { join } from 'node:path';
import { CgroupDir } from './cgroup-dir.js';
import type { CgroupFs } from './cgroup-fs.js';
import { errnoCode, fsError } from './errors.js';
import { isNormalAbsolute, joinAbsolute } from './join-path.js';
import { sleep } from './poll.js';

/**
 * mkdir each component of `path` under `mount`; returns the directories this
 * call created, top-down, so that destroy can remove them again.
 */
export function mkdirChain(fs: CgroupFs, mount: string, path: string): string[] {
  if (!fs.mkdirp) return mkdirEach(fs, mount, path);
  // One call, and no stat per component: the leaf is made at once when its
  // parent exists, and the parent first otherwise.
  const leaf = joinAbsolute(mount, path);
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

/** Remove the parents this manager created, bottom-up, while they are empty: others may share them. */
export function removeCreatedParents(fs: CgroupFs, created: readonly string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      fs.rmdir(dir);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EBUSY' || code === 'ENOTEMPTY' || code === 'EEXIST') continue;
      if (code !== 'ENOENT') throw fsError(e, 'rmdir', `rmdir ${dir}`, dir);
    }
  }
}
