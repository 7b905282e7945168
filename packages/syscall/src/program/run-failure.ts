import { errnoMessage, errnoName } from '../errno.js';
import { signalName } from '../signals.js';
import { RUN_FAILURE } from './format.js';

/** How the program of a RUN op failed (decoded from its error record's err word). */
export type RunFailure =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: string; readonly signalNumber: number }
  | { readonly kind: 'timeout' }
  /** It could not be started: pipe2, clone or execve failed (ENOENT: no such file). */
  | { readonly kind: 'errno'; readonly errno: number; readonly errnoCode: string };

/** Decode the err word a failed RUN op reported (docs/program-format.md). */
export function runFailure(word: number): RunFailure {
  const tag = word & 0xffff0000;
  const low = word & 0xffff;
  if (tag === RUN_FAILURE.exited) return { kind: 'exited', code: low };
  if (tag === RUN_FAILURE.signaled) return { kind: 'signaled', signal: signalName(low), signalNumber: low };
  if (tag === RUN_FAILURE.timeout) return { kind: 'timeout' };
  return { kind: 'errno', errno: word, errnoCode: errnoName(word) };
}

/**
 * What happened, in the words runc's hooks use: `exit status 1`,
 * `signal: SIGSEGV`, `killed after timeout`, `no such file or directory
 * (ENOENT)`.
 */
export function runFailureText(failure: RunFailure): string {
  switch (failure.kind) {
    case 'exited':
      return `exit status ${failure.code}`;
    case 'signaled':
      return `signal: ${failure.signal}`;
    case 'timeout':
      return 'killed after timeout';
    case 'errno':
      return `${errnoMessage(failure.errno).toLowerCase()} (${failure.errnoCode})`;
  }
}
