import { GcError } from '@gc/runtime';

/** A bad flag or argument: the message names it and what was expected. Exit code 125. */
export class UsageError extends GcError {
  constructor(message: string) {
    super('EUSAGE', message);
    this.name = 'UsageError';
  }
}
