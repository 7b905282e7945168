import { createRequire } from 'node:module';
import { errnoNumber, type RunFailure, signalNumber } from '@gc/syscall';
import type { Hook } from '../spec.js';
import type { OciState } from '../state/oci-state.js';
import { checkHook } from './check-hooks.js';
import { HookError } from './hook-error.js';
import { type HostHookKind, hookFailureIsFatal } from './hook-kind.js';
import { HOOK_OUTPUT_LIMIT } from './hook-output.js';

/**
 * node:child_process costs ~4 ms to load, and `start` and `delete` (timed
 * against `node -e 0`) only need it when the config has hooks: loaded then.
 */
function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
}

/** How long the output of a hook that exited may still take to arrive. */
const OUTPUT_GRACE_MS = 100;

/** The longest delay setTimeout keeps (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RunHooksOptions {
  /** The hooks' working directory (runc runs them in the bundle). Default: the runtime's. */
  readonly cwd?: string;
}

/**
 * Run host-side hooks (prestart, createRuntime, poststart, poststop: in the
 * runtime's namespaces) one after the other, as runc does: each gets
 * `hook.path` executed with `hook.args` (args[0] is its argv[0]) and exactly
 * `hook.env`, the state JSON on stdin, and is killed with SIGKILL once
 * `hook.timeout` seconds passed.
 *
 * For prestart and createRuntime the first failure rejects with a HookError
 * and the hooks after it do not run. A poststart or poststop failure only
 * warns (runtime-spec): every hook runs, and the promise resolves with the
 * HookErrors for the caller to log. A hook that is not valid throws SpecError
 * before any runs.
 */
export async function runHooks(
  kind: HostHookKind,
  hooks: readonly Hook[] | undefined,
  state: OciState,
  options: RunHooksOptions = {},
): Promise<HookError[]> {
  const list = hooks ?? [];
  for (const [i, hook] of list.entries()) checkHook(kind, i, hook);
  const input = JSON.stringify(state);
  const warnings: HookError[] = [];
  for (const [index, hook] of list.entries()) {
    const error = await runHook(kind, index, hook, input, options);
    if (!error) continue;
    if (hookFailureIsFatal(kind)) throw error;
    warnings.push(error);
  }
  return warnings;
}

/** One hook: undefined when it exited 0, else its HookError. Never rejects. */
function runHook(
  kind: HostHookKind,
  index: number,
  hook: Hook,
  input: string,
  options: RunHooksOptions,
): Promise<HookError | undefined> {
  const [argv0 = hook.path, ...args] = hook.args?.length ? hook.args : [hook.path];
  return new Promise((resolve) => {
    const child = childProcess().spawn(hook.path, args, {
      argv0,
      env: environment(hook.env ?? []),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // stdout and stderr in the order they came, as one output (the in-container
    // hooks get one fd for both); only the end is kept.
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 4 * HOOK_OUTPUT_LIMIT) output = output.slice(-2 * HOOK_OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    // A hook that exits without reading its stdin is no failure of ours (EPIPE).
    child.stdin.on('error', () => {});
    child.stdin.end(input);

    let timedOut = false;
    // setTimeout fires at once past 2^31-1 ms: a timeout of more than ~24 days is none.
    const timer =
      hook.timeout === undefined || hook.timeout * 1000 > MAX_TIMER_MS
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, hook.timeout * 1000);
    const fail = (failure: RunFailure, cause?: unknown) => new HookError({ kind, index, hook, failure, output, cause });

    // 'close' comes once the output pipes closed too; a daemon the hook left
    // behind may hold them open for ever, so the exit decides, and the
    // output gets a moment to arrive. A hook that could not be started at
    // all (ENOENT, EACCES) has no pid and no exit, only 'error'.
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    let grace: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (grace) clearTimeout(grace);
      if (spawnError) return resolve(fail(errnoFailure(spawnError), spawnError));
      if (timedOut) return resolve(fail({ kind: 'timeout' }));
      const { code, signal } = exit ?? { code: null, signal: null };
      if (signal !== null) return resolve(fail({ kind: 'signaled', signal, signalNumber: signalNumber(signal) }));
      if (code !== 0) return resolve(fail({ kind: 'exited', code: code ?? 0 }));
      resolve(undefined);
    };
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (timer) clearTimeout(timer);
      grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, OUTPUT_GRACE_MS);
    });
    child.on('close', (code, signal) => {
      exit ??= { code, signal };
      finish();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a kill or stdin failure: the exit tells
      spawnError = error;
      finish();
    });
  });
}

/** `K=V` entries as node:child_process takes them; the last of a repeated name wins (as Go's os/exec, which runc runs hooks with). */
function environment(env: readonly string[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

function errnoFailure(error: NodeJS.ErrnoException): RunFailure {
  const code = error.code ?? 'EIO';
  let errno: number;
  try {
    errno = errnoNumber(code);
  } catch {
    errno = 5; // EIO: a spawn failure Node names with no errno
  }
  return { kind: 'errno', errno, errnoCode: code };
}
