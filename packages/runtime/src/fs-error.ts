import { errnoMessage, errnoNumber, GcError } from '@gc/syscall';

/**
 * A host file or directory of a container's that could not be made or
 * written, as one line naming the step and the errno:
 * `create the run directory …: ENOSPC (No space left on device)`.
 */
export function fsError(what: string, e: unknown): GcError {
  const code = (e as NodeJS.ErrnoException).code;
  let detail = String((e as Error).message ?? e);
  if (code) {
    try {
      detail = `${code} (${errnoMessage(errnoNumber(code))})`;
    } catch {
      detail = code;
    }
  }
  return new GcError('ERUNDIR', `${what}: ${detail}`, { cause: e });
}
