import { join } from 'node:path';

/** An absolute path with no empty, `.` or `..` component and no trailing slash: one join() returns as it is. */
const NORMAL_ABSOLUTE = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;

/** Is `path` absolute and normal already (`/sys/fs/cgroup/cpu`, `/gocontainer/c1`)? */
export function isNormalAbsolute(path: string): boolean {
  return NORMAL_ABSOLUTE.test(path);
}

/**
 * `path.join(dir, path)` for the absolute paths cgroups are made of: mount
 * points (the kernel prints them normal) and cgroup paths (resolveCgroupPath
 * makes them normal). For those join() returns the concatenation, and this
 * returns it without join's pass over every character; anything else goes
 * through join().
 */
export function joinAbsolute(dir: string, path: string): string {
  return isNormalAbsolute(dir) && isNormalAbsolute(path) ? dir + path : join(dir, path);
}

/** `path.join(dir, name)` for a file name (no `/`, not `.` or `..`) in a normal directory; else join(). */
export function joinName(dir: string, name: string, dirIsNormal = isNormalAbsolute(dir)): string {
  return dirIsNormal && name !== '' && name !== '.' && name !== '..' && !name.includes('/')
    ? `${dir}/${name}`
    : join(dir, name);
}
