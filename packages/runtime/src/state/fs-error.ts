import { errnoMessage, errnoNumber, GcError } from '@gc/syscall';

/** A failed file operation of the state store: `write /run/gocontainer/ID/state.json: ENOSPC (No space left on device)`. */
export function stateError(what: string, e: unknown): GcError {
  const code = (e as NodeJS.ErrnoException).code;
  let detail = String((e as Error).message ?? e);
  if (code) {
    try {
      detail = `${code} (${errnoMessage(errnoNumber(code))})`;
    } catch {
      detail = code;
    }
  }
  return new GcError('ESTATE', `${what}: ${detail}`, { cause: e });
}

export const errnoCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;
