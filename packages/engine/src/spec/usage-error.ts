import { GcError } from '@gc/syscall';

/** A flag (or an image's setting) `docker run` would refuse: Docker's exit code 125. */
export const ENGINE_USAGE = 'EUSAGE';

/** The error for a bad flag value: `message` names the flag, the value and what is allowed. */
export function usageError(message: string, cause?: unknown): GcError {
  return new GcError(ENGINE_USAGE, message, cause === undefined ? undefined : { cause });
}
