import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { type Kernel, O_CLOEXEC, type Program, type SyscallError } from '@gc/syscall';

/** The namespaces the integration tests run containers in. */
export const CONTAINER_NAMESPACES =
  0x00020000 /* NEWNS */ |
  0x04000000 /* NEWUTS */ |
  0x08000000 /* NEWIPC */ |
  0x20000000 /* NEWPID */ |
  0x40000000 /* NEWNET */ |
  0x02000000; /* NEWCGROUP */

/** Collect everything written to a pipe's read end until EOF. */
export function drain(fd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

/** Run a program with its stdout and stderr on a pipe; returns what it printed and how it ended. */
export async function run(kernel: Kernel, program: Program, cloneFlags = CONTAINER_NAMESPACES) {
  const [r, w] = kernel.pipe2(O_CLOEXEC);
  program.setFds([
    { target: 0, source: 0 },
    { target: 1, source: w },
    { target: 2, source: w },
  ]);
  let child: ReturnType<Kernel['spawn']>;
  try {
    child = kernel.spawn(program, { cloneFlags });
  } finally {
    kernel.close(w);
  }
  const [stdout, status, started] = await Promise.all([
    drain(r),
    child.exited,
    child.started.then(
      () => null,
      (e: unknown) => e,
    ),
  ]);
  return { stdout, status, startError: started as SyscallError | null };
}

/** The host's mount points that mention `text` (none should outlive a container). */
export function hostMountsMentioning(text: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.includes(text));
}
