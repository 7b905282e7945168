import { GcError } from './errors.js';
import { type RunFailure, runFailure, runFailureText } from './program/run-failure.js';

const RUN_ERROR_MARKER = Symbol.for('gocontainer.error.run');

export interface RunErrorOptions {
  /** The RUN op's label (`createContainer hook #0 (/usr/bin/hook)`). */
  label: string;
  pkg?: string;
  /** The index of the failed op. */
  op?: number;
  /** The err word the executor reported (see `runFailure`). */
  word: number;
}

/**
 * The program of a RUN op (`program.runAndWait`) did not exit 0. The message
 * reads like `run the hook (runtime): exit status 1`; `failure` says how it
 * ended.
 */
export class RunError extends GcError {
  readonly [RUN_ERROR_MARKER] = true;
  readonly label: string;
  readonly pkg: string | undefined;
  readonly op: number | undefined;
  readonly failure: RunFailure;
  /** The err word as reported (for a FakeKernel handler to rethrow). */
  readonly word: number;

  constructor(opts: RunErrorOptions) {
    const failure = runFailure(opts.word);
    const where = opts.pkg ? ` (${opts.pkg.replace(/^@gc\//, '')})` : '';
    super('ERUNFAILED', `${opts.label}${where}: ${runFailureText(failure)}`);
    this.name = 'RunError';
    this.label = opts.label;
    this.pkg = opts.pkg;
    this.op = opts.op;
    this.failure = failure;
    this.word = opts.word;
  }

  static override isInstance(value: unknown): value is RunError {
    return typeof value === 'object' && value !== null && RUN_ERROR_MARKER in value;
  }
}
