import { Socket } from 'node:net';
import {
  CLONE_NEWIPC,
  CLONE_NEWNS,
  CLONE_NEWPID,
  type Kernel,
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  MS_PRIVATE,
  MS_REC,
  O_CLOEXEC,
  type Program,
  type ProgramScope,
  type SpawnedChild,
} from '@gc/syscall';

/** New mount, PID and IPC namespaces: a private /proc on a pivoted root, and IPC sysctls of its own. */
export const TEST_CLONE_FLAGS = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;

export const TEST_ENV = ['PATH=/bin:/sbin', 'HOME=/root'];

/**
 * The rootfs part of a container, reduced to what these tests need (the real
 * one is @gc/rootfs, which this package does not depend on): a private mount
 * tree, a fresh /proc, pivot_root into `root`.
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

function drain(fd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

export interface Started {
  readonly child: SpawnedChild;
  readonly stdout: Promise<string>;
  readonly stderr: Promise<string>;
}

/** Spawn with stdout and stderr on pipes; `started` may reject with the failed op's error. */
export function start(kernel: Kernel, program: Program, cloneFlags: number = TEST_CLONE_FLAGS): Started {
  const [outR, outW] = kernel.pipe2(O_CLOEXEC);
  const [errR, errW] = kernel.pipe2(O_CLOEXEC);
  program.setFds([
    { target: 0, source: 0 },
    { target: 1, source: outW },
    { target: 2, source: errW },
  ]);
  try {
    return { child: kernel.spawn(program, { cloneFlags }), stdout: drain(outR), stderr: drain(errR) };
  } finally {
    kernel.close(outW);
    kernel.close(errW);
  }
}

/** Run to the end: what it printed, how it ended, and the error of a failed op (else null). */
export async function runToEnd(kernel: Kernel, program: Program, cloneFlags: number = TEST_CLONE_FLAGS) {
  const { child, stdout, stderr } = start(kernel, program, cloneFlags);
  const [out, err, status, startError] = await Promise.all([
    stdout,
    stderr,
    child.exited,
    child.started.then(
      () => null,
      (e: unknown) => e as Error,
    ),
  ]);
  return { stdout: out, stderr: err, status, startError };
}
