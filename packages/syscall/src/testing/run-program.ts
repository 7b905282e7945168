import { Socket } from 'node:net';
import { O_CLOEXEC } from '../constants.js';
import type { SyscallError } from '../errors.js';
import type { ExitStatus, Kernel, SpawnedChild } from '../kernel.js';
import type { Program } from '../program/program.js';

/**
 * Collect everything written to a pipe's read end until EOF, as text. Takes
 * the fd over: it is closed at EOF. `onData` sees all the text so far, after
 * each chunk (to wait for a line such as `ready`).
 */
export function drainPipe(fd: number, onData?: (text: string) => void): Promise<string> {
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

export interface RunProgramOptions {
  /** Passed to `kernel.spawn`. Default 0: the child shares every namespace with us. */
  readonly cloneFlags?: number | bigint;
  /** An fd of ours that becomes the child's stdin. Default 0. */
  readonly stdin?: number;
  /**
   * The child's stderr: `'pipe'` (default) collects it apart in `stderr`;
   * `'stdout'` puts it on the stdout pipe, interleaved in `stdout` (and
   * `stderr` is empty); a number is an fd of ours (2: the test's own stderr).
   */
  readonly stderr?: 'pipe' | 'stdout' | number;
  /** Called with all of stdout so far, after each chunk. */
  readonly onStdout?: (text: string) => void;
  /** Passed to `kernel.spawn`: run the program from this fd of gc-exec (`SpawnOptions.executor`). */
  readonly executor?: number;
}

/** A program spawned with its output on pipes. */
export interface StartedProgram {
  readonly child: SpawnedChild;
  /** All the child wrote to stdout, once every writer closed it. */
  readonly stdout: Promise<string>;
  /** Likewise for stderr; `''` unless `stderr` was `'pipe'`. */
  readonly stderr: Promise<string>;
}

export interface ProgramResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: ExitStatus;
  /** What `child.started` rejected with (a `SyscallError` naming the failed op), else null. */
  readonly startError: SyscallError | null;
}

/**
 * Spawn `program` with stdout (and stderr, see `RunProgramOptions.stderr`)
 * on pipes. Replaces the program's fd table with the three stdio entries;
 * fds kept with `program.keepFd` stay. `child.started` may reject with the
 * failed op's error: await or handle it.
 */
export function startProgram(kernel: Kernel, program: Program, opts: RunProgramOptions = {}): StartedProgram {
  const stderrTo = opts.stderr ?? 'pipe';
  const [outR, outW] = kernel.pipe2(O_CLOEXEC);
  const [errR, errW] = stderrTo === 'pipe' ? kernel.pipe2(O_CLOEXEC) : [undefined, undefined];
  program.setFds([
    { target: 0, source: opts.stdin ?? 0 },
    { target: 1, source: outW },
    { target: 2, source: errW ?? (stderrTo === 'stdout' ? outW : (stderrTo as number)) },
  ]);
  let child: SpawnedChild;
  try {
    child = kernel.spawn(program, {
      cloneFlags: opts.cloneFlags ?? 0,
      ...(opts.executor !== undefined ? { executor: opts.executor } : {}),
    });
  } catch (error) {
    kernel.close(outR);
    if (errR !== undefined) kernel.close(errR);
    throw error;
  } finally {
    // Only the child writes now: EOF comes when it (and whatever inherited them) is gone.
    kernel.close(outW);
    if (errW !== undefined) kernel.close(errW);
  }
  return {
    child,
    stdout: drainPipe(outR, opts.onStdout),
    stderr: errR === undefined ? Promise.resolve('') : drainPipe(errR),
  };
}

/** Spawn `program` (as `startProgram`) and wait for the end: what it printed, how it ended, and why it failed. */
export async function runProgram(
  kernel: Kernel,
  program: Program,
  opts: RunProgramOptions = {},
): Promise<ProgramResult> {
  const { child, stdout, stderr } = startProgram(kernel, program, opts);
  const [out, err, status, startError] = await Promise.all([
    stdout,
    stderr,
    child.exited,
    child.started.then(
      () => null,
      (e: unknown) => e as SyscallError,
    ),
  ]);
  return { stdout: out, stderr: err, status, startError };
}
