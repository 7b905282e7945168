import { errnoMessage, errnoNumber, GcError } from '@gc/syscall';

/**
 * A host file or directory of a container's that could not be made or
 * written, as one line naming the step and the errno (`code`: the GcError's):
 * `create the run directory …: ENOSPC (No space left on device)`.
 */
export function fsError(what: string, e: unknown, code = 'ERUNDIR'): GcError {
  const errno = (e as NodeJS.ErrnoException).code;
  let detail = String((e as Error).message ?? e);
  if (errno) {
    try {
      detail = `${errno} (${errnoMessage(errnoNumber(errno))})`;
    } catch {
      detail = errno;
    }
  }
  return new GcError(code, `${what}: ${detail}`, { cause: e });
}
