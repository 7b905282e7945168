import {
  AT_FDCWD,
  GcError,
  type Kernel,
  MFD_CLOEXEC,
  O_CLOEXEC,
  O_RDONLY,
  type ProgramScope,
  RunError,
} from '@gc/syscall';
import type { Hook } from '../spec.js';
import type { OciState } from '../state/oci-state.js';
import { checkHook } from './check-hooks.js';
import { HookError } from './hook-error.js';
import type { ContainerHookKind } from './hook-kind.js';
import { HOOK_OUTPUT_LIMIT } from './hook-output.js';

/** What a pipe holds before a write blocks (Linux's default pipe size). */
const PIPE_CAPACITY = 65536;
const READ_CHUNK = 65536;

export interface ContainerHooksOptions {
  readonly kernel: Kernel;
  /**
   * Where hook #index writes its stdout and stderr: a writable fd of the
   * runtime's, which the plan reads but never closes (a file in the state
   * directory, for a startContainer hook whose failure only `start` sees).
   * Default: a memfd the plan owns.
   */
  readonly output?: (index: number, hook: Hook) => number;
}

/** The runtime's side of the hooks `planContainerHooks` planned. */
export interface ContainerHooksPlan {
  readonly kind: ContainerHookKind;
  /** The index of each hook's RUN op in the program, in order. */
  readonly ops: readonly number[];
  /**
   * After the spawn (the state holds the init's pid): write the state JSON
   * into every hook's stdin pipe and close the runtime's ends of them. Call
   * once; never blocks (the JSON fits a pipe).
   */
  sendState(state: OciState): void;
  /**
   * The HookError, with the hook's output, if `error` (what the spawned
   * child's `started` rejected with) is the failure of one of these hooks;
   * otherwise undefined.
   */
  hookError(error: unknown): HookError | undefined;
  /** Close every fd the plan still holds in the runtime. Idempotent; call once the spawn is over, failed or not (after `hookError`). */
  close(): void;
}

interface PlannedHook {
  readonly hook: Hook;
  readonly index: number;
  op: number;
  stdin: [read: number, write: number] | undefined;
  readonly output: number;
  /** The plan made the output fd (and closes it), and has not yet. */
  ownsOutput: boolean;
}

/**
 * Plan createContainer or startContainer hooks: one RUN op per hook
 * (`runAndWait`), appended to `scope` where the container's init must run
 * them (createContainer: in its mount namespace, before pivot_root, so the
 * path is the runtime's file; startContainer: after the exec fifo, just
 * before the user's process is executed).
 *
 * The handshake (the state is known only once the init was spawned):
 *
 * | when          | runtime                                   | child (the init)                                    |
 * | ------------- | ----------------------------------------- | --------------------------------------------------- |
 * | plan          | a pipe per hook, and an output fd (memfd)  |                                                     |
 * | spawn         | the pipe's read end and the output go to the child with `keepFd` | holds them, not CLOEXEC            |
 * | after spawn   | `sendState(state)`: JSON into each pipe, close the runtime's ends | a hook op: fork, the pipe as stdin, output as 1 and 2, exec, wait |
 * | hook exits 0  |                                           | closes its pipe and output fd, goes on              |
 * | hook fails    | `started` rejects with a RunError; `hookError(e)` reads the output and gives a HookError | the program fails (exit 255) |
 * | end           | `close()`                                 |                                                     |
 *
 * A hook that does not read its stdin is fine: the pipe holds the JSON.
 */
export function planContainerHooks(
  scope: ProgramScope,
  kind: ContainerHookKind,
  hooks: readonly Hook[] | undefined,
  options: ContainerHooksOptions,
): ContainerHooksPlan {
  const { kernel } = options;
  const list = hooks ?? [];
  for (const [i, hook] of list.entries()) checkHook(kind, i, hook);
  const planned: PlannedHook[] = [];
  try {
    for (const [index, hook] of list.entries()) {
      const stdin = kernel.pipe2(O_CLOEXEC);
      const given = options.output?.(index, hook);
      const entry: PlannedHook = {
        hook,
        index,
        op: -1,
        stdin,
        output: given ?? kernel.memfdCreate(`${kind}-hook-${index}`, MFD_CLOEXEC),
        ownsOutput: given === undefined,
      };
      planned.push(entry);
      const name = `${kind} hook #${index} (${hook.path})`;
      const childStdin = scope.keepFd(stdin[0]);
      const childOutput = scope.keepFd(entry.output);
      const argv = hook.args?.length ? hook.args : [hook.path];
      const ref = scope.runAndWait(hook.path, argv, hook.env ?? [], `run ${name}`, {
        stdin: childStdin,
        output: childOutput,
        timeoutMs: (hook.timeout ?? 0) * 1000,
      });
      entry.op = ref.index;
      scope.syscall('close', [childStdin], `close the stdin of ${name}`);
      scope.syscall('close', [childOutput], `close the output of ${name}`);
    }
  } catch (error) {
    closeAll(kernel, planned);
    throw error;
  }

  return {
    kind,
    ops: planned.map((p) => p.op),
    sendState(state) {
      const json = new TextEncoder().encode(JSON.stringify(state));
      if (json.length > PIPE_CAPACITY) {
        throw new GcError('EHOOKSTATE', `${kind} hooks: the state JSON (${json.length} bytes) does not fit a pipe`);
      }
      for (const p of planned) {
        if (!p.stdin) continue;
        writeAll(kernel, p.stdin[1], json);
        closePipe(kernel, p);
      }
    },
    hookError(error) {
      if (!RunError.isInstance(error)) return undefined;
      const p = planned.find((entry) => entry.op === error.op);
      if (!p) return undefined;
      // After close() the output is gone: the error still names the hook and how it ended.
      const output = p.ownsOutput || options.output ? readOutput(kernel, p.output) : '';
      return new HookError({
        kind,
        index: p.index,
        hook: p.hook,
        failure: error.failure,
        output,
        cause: error,
      });
    },
    close() {
      closeAll(kernel, planned);
    },
  };
}

function writeAll(kernel: Kernel, fd: number, data: Uint8Array): void {
  let at = 0;
  while (at < data.length) at += kernel.write(fd, data.subarray(at));
}

function closePipe(kernel: Kernel, p: PlannedHook): void {
  if (!p.stdin) return;
  const [r, w] = p.stdin;
  p.stdin = undefined;
  kernel.close(r);
  kernel.close(w);
}

function closeAll(kernel: Kernel, planned: readonly PlannedHook[]): void {
  for (const p of planned) {
    closePipe(kernel, p);
    if (p.ownsOutput) kernel.close(p.output);
    p.ownsOutput = false;
  }
}

/** The end of what the hook wrote: read through a new open file, from offset 0 (the hook moved the shared offset). */
function readOutput(kernel: Kernel, fd: number): string {
  let file: number;
  try {
    file = kernel.openat(AT_FDCWD, `/proc/self/fd/${fd}`, O_RDONLY | O_CLOEXEC);
  } catch {
    return '';
  }
  try {
    const chunk = new Uint8Array(READ_CHUNK);
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const n = kernel.read(file, chunk);
      if (n <= 0) break;
      text += decoder.decode(chunk.subarray(0, n), { stream: true });
      if (text.length > 4 * HOOK_OUTPUT_LIMIT) text = text.slice(-2 * HOOK_OUTPUT_LIMIT);
    }
    return text + decoder.decode();
  } catch {
    return '';
  } finally {
    kernel.close(file);
  }
}
