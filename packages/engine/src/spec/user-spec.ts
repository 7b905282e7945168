import { controlCharacter, show } from './check-path.js';
import { usageError } from './usage-error.js';

/**
 * `-u` in one of Docker's forms: `user`, `uid`, `user:group`, `uid:gid`
 * (names or numbers). An empty side (`-u :`, `-u root:`) would silently mean
 * root, so it is refused, as are extra colons, whitespace and control characters.
 */
export function checkUserSpec(value: string): void {
  if (!/^[^:\s]+(:[^:\s]+)?$/.test(value) || controlCharacter(value) !== undefined) {
    throw usageError(`--user: ${show(value)} is not USER, UID, USER:GROUP or UID:GID`);
  }
}
