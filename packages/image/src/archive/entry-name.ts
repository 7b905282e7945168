// Names inside an archive are untrusted: they address entries of the archive
// only, never the filesystem, and one that climbs out of the archive's root
// is refused rather than guessed at.

/** `./a//b/` as `a/b`; undefined for a name that is absolute or climbs with `..`. */
export function cleanEntryName(name: string): string | undefined {
  if (name.startsWith('/') || name.includes('\0')) return undefined;
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

/**
 * The entry a symlink named `link` points at, as an archive path; undefined
 * when the target is absolute or climbs above the archive's root.
 */
export function symlinkTarget(link: string, target: string): string | undefined {
  if (target.startsWith('/') || target.includes('\0')) return undefined;
  const parts = link.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}
