import { readFileSync, statSync } from 'node:fs';
import { type Kernel, SyscallError } from '@gc/syscall';
import type { LayerEntry } from './layer-writer.js';

/** The xattr of a directory's default ACL, which new names below it take their mode bits from (not the umask). */
export const DEFAULT_ACL = 'system.posix_acl_default';

const S_ISGID = 0o2000;
const EOPNOTSUPP = 95;

/** What the kernel gives a name this process makes in a directory: its owner, and the mode it is asked for less the umask. */
export interface Creation {
  uid: number;
  gid: number;
  /** Whether an entry made with its permission bits already has the mode it is to have. */
  keepsMode(entry: LayerEntry): boolean;
}

/**
 * How names made below `dir` come out, where that can be known: owned by
 * this process's effective uid and gid (`dir` not setgid), with the mode
 * asked for less the umask (`dir` without a default ACL). Undefined where
 * it cannot be (no such directory, as with a FakeKernel; no umask to read):
 * then every owner and mode is set.
 */
export function creationUnder(kernel: Kernel, dir: string): Creation | undefined {
  if (!process.geteuid || !process.getegid) return undefined;
  const uid = process.geteuid();
  const gid = process.getegid();
  let umask: number;
  try {
    if ((statSync(dir).mode & S_ISGID) !== 0) return undefined;
    // process.umask() without an argument is deprecated: it sets the umask to read it.
    const match = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (!match) return undefined;
    umask = Number.parseInt(match[1] as string, 8);
    if (hasDefaultAcl(kernel, dir)) return undefined;
  } catch {
    return undefined;
  }
  return {
    uid,
    gid,
    // xattrs may hold an access ACL, which sets the mode's group bits: the mode is set after them.
    keepsMode: (entry) => (entry.mode & (0o7000 | umask)) === 0 && entry.xattrs.size === 0,
  };
}

function hasDefaultAcl(kernel: Kernel, dir: string): boolean {
  try {
    return kernel.getxattr(dir, DEFAULT_ACL) !== undefined;
  } catch (e) {
    // No ACLs on this filesystem; any other failure (an ACL too big to read) counts as one.
    return !(SyscallError.isInstance(e) && e.errno === EOPNOTSUPP);
  }
}
