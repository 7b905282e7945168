import { createKernel, GcError, type Kernel } from '@gc/syscall';
import { type GroupEntry, type PasswdEntry, parseGroup, parsePasswd } from './account-files.js';
import { INVALID_CONFIG } from './pkg.js';
import { readFileInRoot } from './read-in-root.js';

/** What `docker run -u` resolves to: OCI `process.user`, plus the home directory for HOME. */
export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** The primary gid first, then the groups listing the user in /etc/group, then `groupAdd`; no duplicates. */
  readonly additionalGids: readonly number[];
  /** The passwd entry's name, when there is one. */
  readonly name: string | undefined;
  /** The passwd entry's home directory, else `/`. */
  readonly home: string;
}

export interface ResolveUserOptions {
  /** `--group-add` values: group names or gids, looked up in the container's /etc/group. */
  readonly groupAdd?: readonly string[];
  /** The kernel whose openat2 reads the files (default: the real one). */
  readonly kernel?: Kernel;
  /** The flag named in errors (default `--user`). */
  readonly field?: string;
  /**
   * Reads a file of the container's root instead of `rootPath` (a root that
   * is a stack of image layers, not mounted yet); undefined when it is missing.
   */
  readonly readFile?: (path: string) => string | undefined;
}

/** moby/sys/user accepts ids up to 2^31-1. */
export const MAX_USER_ID = 0x7fffffff;

const NUMERIC = /^-?\d+$/;

/**
 * Resolve `user[:group]` (names or numbers; `''` is root) against the
 * container's /etc/passwd and /etc/group, as Docker does (moby/sys/user
 * `GetExecUser`):
 * - a number is always a uid, found in passwd or not; a name must be in passwd;
 * - without `:group` the gid is the passwd entry's (0 without one) and every
 *   group listing the user becomes a supplementary group; with `:group` the
 *   group alone decides the gid, and there are no supplementary groups;
 * - the primary gid leads the additional gids (as moby does since the fix of
 *   CVE-2023-25173), then the supplementary groups, then `groupAdd`.
 *
 * The files are read inside `rootPath` with openat2(RESOLVE_IN_ROOT), so an
 * image cannot point them at the host's. Missing files count as empty.
 */
export function resolveUser(rootPath: string, spec: string, options: ResolveUserOptions = {}): ResolvedUser {
  const field = options.field ?? '--user';
  if (typeof spec !== 'string')
    throw new GcError(INVALID_CONFIG, `${field}: expected "user[:group]", got ${typeof spec}`);
  if (spec.includes('\0')) throw new GcError(INVALID_CONFIG, `${field}: contains a NUL byte`);
  const colon = spec.indexOf(':');
  const userArg = colon === -1 ? spec : spec.slice(0, colon);
  const groupArg = colon === -1 ? '' : spec.slice(colon + 1);

  const read =
    options.readFile ??
    ((path: string, what: string) => readFileInRoot(options.kernel ?? createKernel(), rootPath, path, what));
  const passwdText = read('/etc/passwd', field);
  let groups: GroupEntry[] | undefined;
  const groupFile = (what: string) => {
    groups ??= parseGroup(read('/etc/group', what) ?? '');
    return groups;
  };
  const users = parsePasswd(passwdText ?? '');

  let uid = 0;
  let gid = 0;
  let home = '/';
  let entry: PasswdEntry | undefined;
  if (userArg === '') {
    entry = users.find((u) => u.uid === 0);
  } else if (NUMERIC.test(userArg)) {
    uid = checkRange(userArg, `${field}: uid`);
    entry = users.find((u) => u.uid === uid);
  } else {
    entry = users.find((u) => u.name === userArg);
    if (!entry)
      throw new GcError('ENOUSER', `${field}: no user ${JSON.stringify(userArg)} in /etc/passwd of the container`);
  }
  if (entry) {
    uid = entry.uid;
    gid = entry.gid;
    home = entry.home || '/';
  }

  const supplementary: number[] = [];
  if (groupArg !== '') {
    gid = lookupGroup(groupFile(field), groupArg, field);
  } else if (entry) {
    const name = entry.name;
    for (const g of groupFile(field)) if (g.members.includes(name)) supplementary.push(g.gid);
  }
  const added = (options.groupAdd ?? []).map((g, i) => lookupGroup(groupFile('--group-add'), g, `--group-add[${i}]`));
  const additionalGids = [...new Set([gid, ...supplementary, ...added])];
  return { uid, gid, additionalGids, name: entry?.name, home };
}

function lookupGroup(groups: readonly GroupEntry[], arg: string, field: string): number {
  if (NUMERIC.test(arg)) {
    // A number is a gid whether or not /etc/group lists it.
    return checkRange(arg, `${field}: gid`);
  }
  const found = groups.find((g) => g.name === arg);
  if (!found) throw new GcError('ENOGROUP', `${field}: no group ${JSON.stringify(arg)} in /etc/group of the container`);
  return found.gid;
}

function checkRange(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_USER_ID) {
    throw new GcError(INVALID_CONFIG, `${what} ${text} is out of range (0 to ${MAX_USER_ID})`);
  }
  return n;
}
