import { fsError } from '../fs-error.js';

/** A failed file operation of the state store: `write /run/gocontainer/ID/state.json: ENOSPC (No space left on device)`. */
export const stateError = (what: string, e: unknown) => fsError(what, e, 'ESTATE');

export const errnoCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;
