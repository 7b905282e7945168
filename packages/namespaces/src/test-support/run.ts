import { fileURLToPath } from 'node:url';
import type { Kernel, ProcessHandle, Program, SpawnedChild } from '@gc/syscall';
import { startProgram } from '@gc/syscall/testing';
import type { NamespacePlan } from '../plan.js';

/**
 * The static gc-init of @gc/native. This package does not depend on
 * @gc/native (the runtime passes the binary in), so the tests find it beside.
 */
export const INIT_PATH =
  process.env.GC_NATIVE_INIT ?? fileURLToPath(new URL('../../../../native/build/gc-init', import.meta.url));

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
  const { child, stdout, stderr } = startProgram(kernel, program, { cloneFlags: plan.cloneFlags, onStdout });
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
