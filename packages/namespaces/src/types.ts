import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWTIME,
  CLONE_NEWUSER,
  CLONE_NEWUTS,
} from '@gc/syscall';

/** A namespace type, as the OCI runtime spec names it (`linux.namespaces[].type`). */
export type NamespaceType = 'mount' | 'uts' | 'ipc' | 'pid' | 'network' | 'cgroup' | 'user' | 'time';

/** Every namespace type, in the order error messages list them. */
export const NAMESPACE_TYPES: readonly NamespaceType[] = [
  'mount',
  'uts',
  'ipc',
  'pid',
  'network',
  'cgroup',
  'user',
  'time',
];

/** One entry of OCI `linux.namespaces`: a new namespace, or (with `path`) an existing one to join. */
export interface NamespaceSpec {
  readonly type: NamespaceType;
  /** An absolute path to a namespace file (`/proc/1234/ns/net`, a bind-mounted nsfs file). */
  readonly path?: string;
}

/**
 * Namespaces of a running process to join through its pidfd (gocontainer's,
 * not OCI's, which only has `path`). One `setns(pidfd, CLONE_NEW...|...)`
 * joins every listed type at once, or none of them (Linux 5.8).
 */
export interface JoinProcess {
  /**
   * A pidfd of the process, in this (the parent) process: `kernel.pidfdOpen(pid)`.
   * The program hands it to the child; keep it open until `kernel.spawn` returns.
   */
  readonly pidfd: number;
  /** The namespaces to join; each type at most once, and none also in `namespaces`. */
  readonly types: readonly NamespaceType[];
}

/** One line of a user namespace's uid_map or gid_map (OCI `linux.uidMappings[]`). */
export interface IdMapping {
  readonly containerID: number;
  readonly hostID: number;
  readonly size: number;
}

/** A clock offset: `secs` may be negative, `nanosecs` is 0..999999999. */
export interface TimeOffset {
  readonly secs: number;
  readonly nanosecs: number;
}

/** OCI `linux.timeOffsets`: how far a new time namespace's clocks are ahead of the host's. */
export interface TimeOffsets {
  readonly monotonic?: TimeOffset;
  readonly boottime?: TimeOffset;
}

/** The `CLONE_NEW*` flag of each type: for clone3, unshare and setns alike. */
export const CLONE_FLAG_OF: Readonly<Record<NamespaceType, number>> = {
  mount: CLONE_NEWNS,
  uts: CLONE_NEWUTS,
  ipc: CLONE_NEWIPC,
  pid: CLONE_NEWPID,
  network: CLONE_NEWNET,
  cgroup: CLONE_NEWCGROUP,
  user: CLONE_NEWUSER,
  time: CLONE_NEWTIME,
};

/** The file name of each type under `/proc/PID/ns/`. */
export const PROC_NS_NAME: Readonly<Record<NamespaceType, string>> = {
  mount: 'mnt',
  uts: 'uts',
  ipc: 'ipc',
  pid: 'pid',
  network: 'net',
  cgroup: 'cgroup',
  user: 'user',
  time: 'time',
};

export function isNamespaceType(value: unknown): value is NamespaceType {
  return typeof value === 'string' && (NAMESPACE_TYPES as readonly string[]).includes(value);
}
