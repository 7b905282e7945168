/** A relative name with no empty, `.` or `..` component, and perhaps a trailing slash. */
const CLEAN = /^(?:[^/.]|\.[^/.]|\.\.[^/])[^/]*(?:\/(?:[^/.]|\.[^/.]|\.\.[^/])[^/]*)*\/?$/;

/**
 * A tar entry's name as a path relative to the layer's root, as Docker reads
 * it: `.` and empty components dropped, `..` applied; an absolute name is
 * taken from the root (`/etc/x` is `etc/x`, `/../x` is `x`), and a relative
 * one that climbs above the root (`../x`) is refused: undefined. `''` is the
 * root itself.
 */
export function entryPath(name: string): string | undefined {
  // Most names are clean already (a trailing slash at most): no split and join for them.
  if (CLEAN.test(name)) return name.endsWith('/') ? name.slice(0, -1) : name;
  const absolute = name.startsWith('/');
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        if (absolute) continue;
        return undefined;
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

/** `a/b/c` as [`a/b`, `c`]; `c` as [``, `c`]. */
export function splitPath(path: string): [parent: string, base: string] {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)];
}
