import {
  CLONE_NEWCGROUP,
  CLONE_NEWIPC,
  CLONE_NEWNET,
  CLONE_NEWNS,
  CLONE_NEWPID,
  CLONE_NEWUTS,
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_REC,
} from '../constants.js';
import type { ProgramScope } from '../program/program.js';

/** The namespaces a container gets from clone flags: mount, UTS, IPC, PID, network and cgroup (no user, no time). */
export const CONTAINER_CLONE_FLAGS =
  CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

/** An environment for commands on a busybox root: its applets are in /bin. */
export const BUSYBOX_ENV: readonly string[] = ['PATH=/bin:/sbin', 'HOME=/root'];

export interface BusyboxRootPlan {
  /** The root filesystem's directory on the host (`createBusyboxRoot().path`). */
  readonly root: string;
  /** `sethostname` after the pivot: needs a new UTS namespace. */
  readonly hostname?: string;
}

/**
 * Plan the root change of a test container, reduced to what tests, examples
 * and benchmarks need (the real one is @gc/rootfs): make the mount tree
 * private, bind `root` on itself, mount a fresh proc on its /proc, then
 * runc's `pivot_root(".", ".")` and detach the old root. Needs a new mount
 * namespace; the proc shows the PIDs of the child's PID namespace.
 *
 * proc is mounted before the old root goes, as runc does: in a user namespace
 * the kernel only allows a new proc while a fully visible one is in the mount
 * namespace (mount_too_revealing), and before the pivot the host's still is.
 * Without a user namespace the order makes no difference.
 *
 * The ops are credited to `@gc/test`.
 */
export function planBusyboxRoot(program: ProgramScope, plan: BusyboxRootPlan): void {
  const { root, hostname } = plan;
  const p = program.scope('@gc/test');
  p.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make / private');
  p.syscall('mount', [root, root, null, MS_BIND | MS_REC, null], `bind ${root} on itself`);
  p.syscall('mount', ['proc', `${root}/proc`, 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null], 'mount proc on /proc');
  p.syscall('chdir', [root], `chdir to ${root}`);
  p.syscall('pivot_root', ['.', '.'], 'pivot_root to .');
  p.syscall('umount2', ['.', MNT_DETACH], 'detach the old root');
  p.syscall('chdir', ['/'], 'chdir to /');
  if (hostname !== undefined) {
    p.syscall('sethostname', [hostname, Buffer.byteLength(hostname)], `set hostname ${hostname}`);
  }
}
