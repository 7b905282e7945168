import { readdir as readdirCallback, readlink as readlinkCallback } from 'node:fs';
import { errnoNumber, SyscallError } from '@gc/syscall';
import { PKG } from './pkg.js';
import { isNamespaceType, NAMESPACE_TYPES, type NamespaceType, PROC_NS_NAME } from './types.js';

// node:fs's callback form: node:fs/promises is one more module for every `run` to load.
const readdir = (dir: string) =>
  new Promise<string[]>((resolve, reject) => readdirCallback(dir, (e, names) => (e ? reject(e) : resolve(names))));
const readlink = (path: string) =>
  new Promise<string>((resolve, reject) => readlinkCallback(path, (e, target) => (e ? reject(e) : resolve(target))));

/** A process's namespace of one type, as /proc/PID/ns shows it. */
export interface NamespaceInfo {
  readonly type: NamespaceType;
  /** The nsfs inode: two processes share the namespace iff their inodes are equal. */
  readonly inode: number;
  /** `/proc/PID/ns/NAME`: open it, or pass it as a `NamespaceSpec.path`, to join. */
  readonly path: string;
}

export type Pid = number | 'self';

/**
 * The namespaces of a process (default: this one), from readlink of
 * /proc/PID/ns/*. Types the kernel lacks are absent. `pid_for_children` and
 * `time_for_children` are left out: see `childNamespacesOf`.
 */
export async function namespacesOf(pid: Pid = 'self'): Promise<NamespaceInfo[]> {
  const dir = `/proc/${checkPid(pid)}/ns`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw fsError(error, 'readdir', `list the namespaces of ${describe(pid)}`, dir);
  }
  const infos: NamespaceInfo[] = [];
  for (const type of NAMESPACE_TYPES) {
    if (names.includes(PROC_NS_NAME[type])) infos.push(await readNamespace(pid, type, PROC_NS_NAME[type]));
  }
  return infos;
}

/** One namespace of a process. */
export async function namespaceOf(pid: Pid, type: NamespaceType): Promise<NamespaceInfo> {
  if (!isNamespaceType(type)) throw new TypeError(`namespaceOf: ${JSON.stringify(type)} is not a namespace type`);
  return readNamespace(pid, type, PROC_NS_NAME[type]);
}

/**
 * The PID and time namespaces a process's next children will get
 * (`pid_for_children`, `time_for_children`): after unshare(2) they differ from
 * its own. A type the kernel lacks is absent.
 */
export async function childNamespacesOf(pid: Pid = 'self'): Promise<NamespaceInfo[]> {
  const infos: NamespaceInfo[] = [];
  for (const type of ['pid', 'time'] as const) {
    try {
      infos.push(await readNamespace(pid, type, `${PROC_NS_NAME[type]}_for_children`));
    } catch (error) {
      // A kernel without time namespaces has no time_for_children; an exited process has no pid_for_children.
      if (!(SyscallError.isInstance(error) && error.errnoCode === 'ENOENT' && type === 'time')) throw error;
    }
  }
  return infos;
}

/** Do two processes share their namespace of `type`? */
export async function sameNamespace(a: Pid, b: Pid, type: NamespaceType): Promise<boolean> {
  const [na, nb] = await Promise.all([namespaceOf(a, type), namespaceOf(b, type)]);
  return na.inode === nb.inode;
}

async function readNamespace(pid: Pid, type: NamespaceType, name: string): Promise<NamespaceInfo> {
  const path = `/proc/${checkPid(pid)}/ns/${name}`;
  let target: string;
  try {
    target = await readlink(path);
  } catch (error) {
    throw fsError(error, 'readlink', `read the ${type} namespace of ${describe(pid)}`, path);
  }
  // "net:[4026531840]"
  const inode = /^[a-z_]+:\[(\d+)\]$/.exec(target)?.[1];
  if (inode === undefined) throw new TypeError(`${path}: unexpected link ${JSON.stringify(target)}`);
  return { type, inode: Number(inode), path };
}

function checkPid(pid: Pid): string {
  if (pid === 'self' || (Number.isSafeInteger(pid) && pid > 0)) return String(pid);
  throw new TypeError(`pid: expected a positive integer or 'self', got ${JSON.stringify(pid)}`);
}

function describe(pid: Pid): string {
  return pid === 'self' ? 'this process' : `pid ${pid}`;
}

function fsError(error: unknown, syscall: string, label: string, path: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string') return error;
  let errno: number;
  try {
    errno = errnoNumber(code);
  } catch {
    return error;
  }
  return new SyscallError({ syscall, errno, label, path, pkg: PKG, cause: error });
}
