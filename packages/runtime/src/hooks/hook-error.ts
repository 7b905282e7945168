import { GcError, type RunFailure, runFailureText } from '@gc/syscall';
import type { Hook } from '../spec.js';
import type { HookKind } from './hook-kind.js';
import { boundHookOutput } from './hook-output.js';

const HOOK_ERROR_MARKER = Symbol.for('gocontainer.error.hook');

export interface HookErrorOptions {
  kind: HookKind;
  /** The hook's index in its list (`#0`). */
  index: number;
  hook: Hook;
  /** How it ended (`RunFailure` of @gc/syscall: an exit code, a signal, its timeout, an errno). */
  failure: RunFailure;
  /** What it wrote to stdout and stderr (bounded and trimmed here). */
  output?: string;
  cause?: unknown;
}

/**
 * A hook failed. The message reads like runc's `error running hook #0: ...`,
 * with the kind and the path: `error running prestart hook #0
 * (/usr/bin/setup-net): exit status 1: no such bridge`, or `...: killed after
 * timeout of 2s`.
 */
export class HookError extends GcError {
  readonly [HOOK_ERROR_MARKER] = true;
  readonly kind: HookKind;
  readonly index: number;
  readonly path: string;
  readonly failure: RunFailure;
  /** Its stdout and stderr, trimmed and bounded ('' when it printed nothing). */
  readonly output: string;

  constructor(opts: HookErrorOptions) {
    const output = boundHookOutput(opts.output ?? '');
    const what =
      opts.failure.kind === 'timeout' && opts.hook.timeout !== undefined
        ? `killed after timeout of ${opts.hook.timeout}s`
        : runFailureText(opts.failure);
    super(
      'EHOOK',
      `error running ${opts.kind} hook #${opts.index} (${opts.hook.path}): ${what}${output ? `: ${output}` : ''}`,
      { cause: opts.cause },
    );
    this.name = 'HookError';
    this.kind = opts.kind;
    this.index = opts.index;
    this.path = opts.hook.path;
    this.failure = opts.failure;
    this.output = output;
  }

  static override isInstance(value: unknown): value is HookError {
    return typeof value === 'object' && value !== null && HOOK_ERROR_MARKER in value;
  }
}
