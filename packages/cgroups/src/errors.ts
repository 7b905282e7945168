import { errnoNumber, GcError, SyscallError } from '@gc/syscall';

export const PKG = '@gc/cgroups';

/** Codes of `CgroupError`. */
export type CgroupErrorCode =
  /** A resource this host's cgroups cannot apply. */
  | 'EUNSUPPORTED'
  /** A value outside what the field accepts. */
  | 'EINVALIDRESOURCE'
  /** A cgroupsPath or parent that is not a usable path. */
  | 'EINVALIDPATH'
  /** The systemd cgroup driver (or a `slice:prefix:name` path) was asked for. */
  | 'ESYSTEMD'
  /** No cgroup hierarchy usable here. */
  | 'ENOCGROUPS'
  /** Freeze, kill or destroy did not finish in time. */
  | 'ETIMEDOUT';

/** A cgroup request that cannot be carried out; `field` names the OCI field when there is one. */
export class CgroupError extends GcError {
  readonly field: string | undefined;

  constructor(code: CgroupErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    super(code, options?.field ? `${options.field}: ${message}` : message, { cause: options?.cause });
    this.name = 'CgroupError';
    this.field = options?.field;
  }
}

/** `linux.resources.memory.swap: not supported on this host (why)` */
export function unsupported(field: string, why: string): CgroupError {
  return new CgroupError('EUNSUPPORTED', `not supported on this host (${why})`, { field });
}

export function invalid(field: string, expected: string, got: unknown): CgroupError {
  return new CgroupError('EINVALIDRESOURCE', `expected ${expected}, got ${JSON.stringify(got)}`, { field });
}

/** Turn a node:fs error into a SyscallError naming the file (and the value written). */
export function fsError(e: unknown, syscall: string, label: string, path: string, field?: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  let errno: number;
  try {
    if (!code) return e;
    errno = errnoNumber(code);
  } catch {
    return e;
  }
  const err = new SyscallError({ syscall, errno, label, path, pkg: PKG, cause: e });
  if (field) err.message = `${field}: ${err.message}`;
  return err;
}

export function errnoCode(e: unknown): string | undefined {
  if (SyscallError.isInstance(e)) return e.errnoCode;
  return (e as NodeJS.ErrnoException | undefined)?.code;
}
