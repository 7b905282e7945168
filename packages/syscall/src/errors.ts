import { errnoMessage, errnoName } from './errno.js';

const GC_ERROR_MARKER = Symbol.for('gocontainer.error');

/**
 * Base class of every error gocontainer packages throw. `code` is stable and
 * machine-readable; `isInstance` works across duplicate package copies.
 */
export class GcError extends Error {
  readonly [GC_ERROR_MARKER] = true;
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GcError';
    this.code = code;
  }

  static isInstance(value: unknown): value is GcError {
    return typeof value === 'object' && value !== null && GC_ERROR_MARKER in value;
  }
}

const SYSCALL_ERROR_MARKER = Symbol.for('gocontainer.error.syscall');

export interface SyscallErrorOptions {
  /** The syscall that failed (`mount`, `openat2`, `execve`). */
  syscall: string;
  /** errno number, positive. */
  errno: number;
  /** What was being done, in words (`mount proc on /proc`). Defaults to the syscall name. */
  label?: string;
  /** The package that planned the call (`@gc/rootfs`). */
  pkg?: string;
  /** The path or argument that matters. */
  path?: string;
  /** The index of the failed op, when a spawned program failed. */
  op?: number;
  cause?: unknown;
}

/**
 * A system call failed. The message reads like
 * `mount proc on /proc (rootfs): EPERM (Operation not permitted)`.
 */
export class SyscallError extends GcError {
  readonly [SYSCALL_ERROR_MARKER] = true;
  readonly syscall: string;
  readonly errno: number;
  /** The errno name, e.g. `EPERM`. */
  readonly errnoCode: string;
  readonly label: string;
  readonly pkg: string | undefined;
  readonly path: string | undefined;
  /** The index of the failed op, when a spawned program failed. */
  readonly op: number | undefined;

  constructor(opts: SyscallErrorOptions) {
    const errnoCode = errnoName(opts.errno);
    const label = opts.label ?? opts.syscall;
    const where = opts.pkg ? ` (${opts.pkg.replace(/^@gc\//, '')})` : '';
    const path = opts.path && !label.includes(opts.path) ? ` ${opts.path}` : '';
    super(errnoCode, `${label}${path}${where}: ${errnoCode} (${errnoMessage(opts.errno)})`, {
      cause: opts.cause,
    });
    this.name = 'SyscallError';
    this.syscall = opts.syscall;
    this.errno = opts.errno;
    this.errnoCode = errnoCode;
    this.label = label;
    this.pkg = opts.pkg;
    this.path = opts.path;
    this.op = opts.op;
  }

  static override isInstance(value: unknown): value is SyscallError {
    return typeof value === 'object' && value !== null && SYSCALL_ERROR_MARKER in value;
  }
}
