import {
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_REC,
  type ProgramScope,
} from '@gc/syscall';

/**
 * The rootfs part of a container, reduced to what these tests need (copied
 * from @gc/syscall's test support; the real one is @gc/rootfs): a private
 * mount tree, a fresh /proc, pivot_root into `root`. Needs a new mount
 * namespace. proc is mounted before the old root goes: in a user namespace
 * the kernel only allows it while a fully visible proc is in the mount
 * namespace (mount_too_revealing), which is why runc mounts before pivoting.
 */
export function planTestRoot(program: ProgramScope, root: string): void {
  const p = program.scope('@gc/test');
  p.syscall('mount', [null, '/', null, MS_REC | MS_PRIVATE, null], 'make / private');
  p.syscall('mount', [root, root, null, MS_BIND | MS_REC, null], `bind ${root} on itself`);
  p.syscall('mount', ['proc', `${root}/proc`, 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null], 'mount proc on /proc');
  p.syscall('chdir', [root], `chdir to ${root}`);
  p.syscall('pivot_root', ['.', '.'], 'pivot_root to .');
  p.syscall('umount2', ['.', MNT_DETACH], 'detach the old root');
  p.syscall('chdir', ['/'], 'chdir to /');
}

export const TEST_ENV = ['PATH=/bin:/sbin', 'HOME=/root'];
