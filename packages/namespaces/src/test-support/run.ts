import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Kernel, O_CLOEXEC, type ProcessHandle, type Program, type SpawnedChild } from '@gc/syscall';
import type { NamespacePlan } from '../plan.js';

/**
 * The static gc-init of @gc/native. This package does not depend on
 * @gc/native (the runtime passes the binary in), so the tests find it beside.
 */
export const INIT_PATH =
  process.env.GC_NATIVE_INIT ?? fileURLToPath(new URL('../../../../native/build/gc-init', import.meta.url));

/** Collect what is written to a pipe's read end until EOF. */
export function drain(fd: number, onData?: (text: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      onData?.(Buffer.concat(chunks).toString());
    });
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

export interface Started {
  child: SpawnedChild;
  process: ProcessHandle;
  stdout: Promise<string>;
  stderr: Promise<string>;
  /** Kill both processes and wait for them. */
  stop(): Promise<void>;
}

/** Spawn a planned container with its stdout and stderr on pipes, and run the namespace handshake. */
export async function start(
  kernel: Kernel,
  program: Program,
  plan: NamespacePlan,
  onStdout?: (text: string) => void,
): Promise<Started> {
  const [outR, outW] = kernel.pipe2(O_CLOEXEC);
  const [errR, errW] = kernel.pipe2(O_CLOEXEC);
  program.setFds([
    { target: 0, source: 0 },
    { target: 1, source: outW },
    { target: 2, source: errW },
  ]);
  let child: SpawnedChild;
  try {
    child = kernel.spawn(program, { cloneFlags: plan.cloneFlags });
  } finally {
    kernel.close(outW);
    kernel.close(errW);
  }
  const stdout = drain(outR, onStdout);
  const stderr = drain(errR);
  const stop = async (proc: ProcessHandle) => {
    child.kill();
    proc.kill();
    await Promise.all([child.exited, proc.exited]);
  };
  let process: ProcessHandle;
  try {
    process = await plan.afterSpawn(child, kernel);
    await child.started;
  } catch (error) {
    await stop(child);
    await Promise.all([stdout, stderr]);
    throw error;
  }
  return { child, process, stdout, stderr, stop: () => stop(process) };
}
