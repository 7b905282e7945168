import { GcError } from '@gc/syscall';

/**
 * A container that could not start, with the exit code a shell user expects:
 * 127 for a command that does not exist, 126 for one that cannot be run, 125
 * for anything that failed while setting the container up (as `docker run`).
 */
export class ContainerStartError extends GcError {
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode: number, cause?: unknown) {
    super(code, message, { cause });
    this.name = 'ContainerStartError';
    this.exitCode = exitCode;
  }
}

/** A spec field that is missing or wrong: the message names it and what was expected. */
export class SpecError extends GcError {
  constructor(field: string, expected: string) {
    super('EINVALIDSPEC', `${field}: ${expected}`);
    this.name = 'SpecError';
  }
}
