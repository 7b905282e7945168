import { GcError } from '@gc/syscall';
import type { ContainerStatus, Operation } from './state/status.js';

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

/**
 * No container of that id in the state store. The message holds
 * "does not exist", which containerd's runc shim matches on (as runc's
 * `container "ID" does not exist`).
 */
export class ContainerNotExistError extends GcError {
  readonly id: string;

  constructor(id: string) {
    super('ENOCONTAINER', `container ${JSON.stringify(id)} does not exist`);
    this.name = 'ContainerNotExistError';
    this.id = id;
  }
}

/** A create of an id the store already holds (runc's `container with id exists: ID`). */
export class ContainerExistsError extends GcError {
  readonly id: string;

  constructor(id: string) {
    super('ECONTAINEREXISTS', `container with id exists: ${id}`);
    this.name = 'ContainerExistsError';
    this.id = id;
  }
}

/** A container id the store refuses: the message names it and what an id may be. */
export class ContainerIdError extends GcError {
  readonly id: string;

  constructor(id: string, expected: string) {
    super('EINVALIDID', `container id ${JSON.stringify(id)}: ${expected}`);
    this.name = 'ContainerIdError';
    this.id = id;
  }
}

/**
 * An operation the container's status does not allow (the table in
 * state/status.ts). On a stopped container the message holds "container not
 * running", on a resume of one not paused "container not paused": the texts
 * of runc's sentinel errors, which engines match on.
 */
export class ContainerStatusError extends GcError {
  readonly id: string;
  readonly operation: Operation;
  readonly status: ContainerStatus;

  constructor(id: string, operation: Operation, status: ContainerStatus, allowed: readonly ContainerStatus[]) {
    const why =
      status === 'stopped'
        ? 'container not running (it is stopped)'
        : operation === 'resume'
          ? `container not paused (it is ${status})`
          : `it is ${status}; ${operation} needs it ${allowed.join(' or ') || 'absent'}`;
    super('ECONTAINERSTATUS', `cannot ${operation} container ${JSON.stringify(id)}: ${why}`);
    this.name = 'ContainerStatusError';
    this.id = id;
    this.operation = operation;
    this.status = status;
  }
}
