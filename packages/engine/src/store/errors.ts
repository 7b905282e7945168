import { GcError } from '@gc/syscall';

/** No container has this ID, name or ID prefix (Docker: "No such container"). */
export const ENGINE_NO_SUCH_CONTAINER = 'ENGINE_NO_SUCH_CONTAINER';
/** An ID prefix that more than one container's ID starts with. */
export const ENGINE_AMBIGUOUS_CONTAINER = 'ENGINE_AMBIGUOUS_CONTAINER';
/** A name another container has. */
export const ENGINE_NAME_IN_USE = 'ENGINE_NAME_IN_USE';
/** A name that is not `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. */
export const ENGINE_INVALID_NAME = 'ENGINE_INVALID_NAME';
/** A file of the store that cannot be read as what it should hold. */
export const ENGINE_BAD_RECORD = 'ENGINE_BAD_RECORD';

export const noSuchContainer = (ref: string) =>
  new GcError(ENGINE_NO_SUCH_CONTAINER, `No such container: ${ref} (it does not exist)`);
