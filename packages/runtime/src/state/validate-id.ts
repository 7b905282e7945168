import { ContainerIdError } from '../errors.js';

/**
 * runc's id pattern, `^[\w+-\.]+$`, spelled out: its class holds the range
 * `+` to `.`, so a comma is allowed too.
 */
const ID = /^[A-Za-z0-9_+,.-]+$/;
/** The id names a directory, and a few transient names made from it: all fit NAME_MAX (255). */
export const MAX_ID_LENGTH = 200;

/**
 * Throws a ContainerIdError unless `id` is one runc accepts, with one more
 * rule: no leading dot, as the store's transient entries (`.gone-…`) and
 * those of `gocontainer run` have one. The engines' ids (hex digits,
 * containerd's `[A-Za-z0-9]+([._-][A-Za-z0-9]+)*`) never do.
 */
export function validateContainerId(id: string): void {
  if (id.length === 0) throw new ContainerIdError(id, 'must not be empty');
  if (id.length > MAX_ID_LENGTH) throw new ContainerIdError(id, `is longer than ${MAX_ID_LENGTH} characters`);
  if (!ID.test(id)) throw new ContainerIdError(id, 'may hold only letters, digits and _ + , . -');
  if (id.startsWith('.')) throw new ContainerIdError(id, 'must not start with a dot');
}
