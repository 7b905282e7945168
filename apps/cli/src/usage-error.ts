import { GcError } from '@gc/syscall';

/**
 * A bad flag or argument: the message names it and what was expected. Exit
 * code 125 (Docker's), or 1 for runc's commands and flags (runc exits 1 on
 * any failure).
 */
export class UsageError extends GcError {
  readonly exitCode: number;

  constructor(message: string, exitCode = 125) {
    super('EUSAGE', message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}
