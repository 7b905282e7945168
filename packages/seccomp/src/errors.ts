import { GcError } from '@gc/syscall';

const MARKER = Symbol.for('gocontainer.error.seccomp-profile');

/**
 * A seccomp profile is not valid. `path` names the offending entry the way
 * the message starts: `linux.seccomp.syscalls[12].action`.
 */
export class SeccompProfileError extends GcError {
  readonly [MARKER] = true;
  readonly path: string;

  constructor(path: string, problem: string) {
    super('ESECCOMP_PROFILE', `${path}: ${problem}`);
    this.name = 'SeccompProfileError';
    this.path = path;
  }

  static override isInstance(value: unknown): value is SeccompProfileError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}
