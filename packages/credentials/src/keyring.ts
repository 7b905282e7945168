import { GcError, type ProgramScope } from '@gc/syscall';
import { INVALID_CONFIG, PKG } from './pkg.js';

// linux/keyctl.h
export const KEYCTL_JOIN_SESSION_KEYRING = 1;
export const KEYCTL_SETPERM = 5;
export const KEY_SPEC_SESSION_KEYRING = -3;
const KEY_POS_ALL = 0x3f000000;
const KEY_USR_VIEW = 0x00010000;
const KEY_USR_READ = 0x00020000;
const KEY_USR_SEARCH = 0x00080000;
const KEY_USR_LINK = 0x00100000;
const KEY_OTH_SEARCH = 0x00000008;

/** What join_session_keyring(2) gives a keyring it creates (security/keys/process_keys.c). */
export const NEW_SESSION_KEYRING_PERM = KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_LINK;

export interface SessionKeyringOptions {
  /** The container's id: the keyring is named `_ses.<id>`, as runc names it. */
  readonly containerId: string;
  /** The container has a user namespace of its own (its owner is then "other" to searchers outside). */
  readonly userNamespace?: boolean;
}

/**
 * Plan a session keyring of the container's own (runc does it unless
 * `NoNewKeyring`): `keyctl(KEYCTL_JOIN_SESSION_KEYRING, "_ses.<id>")` so the
 * container does not share the runtime's session keyring (and the keys in
 * it), then `KEYCTL_SETPERM` to make it searchable: by its user, or by
 * "other" with a user namespace, as runc adds. runc reads the keyring's
 * permissions and ORs the bit in; a program cannot branch on what it read, so
 * this writes the permissions of a new session keyring plus that bit.
 *
 * ENOSYS is tolerated (a kernel without keys, as runc allows). Plan it before
 * the seccomp filter: Docker's profile blocks keyctl.
 */
export function planSessionKeyring(program: ProgramScope, options: SessionKeyringOptions): void {
  const id = options?.containerId;
  if (typeof id !== 'string' || id === '' || id.includes('\0')) {
    throw new GcError(INVALID_CONFIG, `session keyring: expected a non-empty container id, got ${JSON.stringify(id)}`);
  }
  const name = `_ses.${id}`;
  const perm = NEW_SESSION_KEYRING_PERM | (options.userNamespace ? KEY_OTH_SEARCH : KEY_USR_SEARCH);
  const p = program.scope(PKG);
  p.syscall('keyctl', [KEYCTL_JOIN_SESSION_KEYRING, name, 0, 0, 0], `join a new session keyring ${name}`, {
    tolerate: ['ENOSYS'],
  });
  // The session keyring by its special id: the one just joined, and no op result to feed a failed join into.
  p.syscall(
    'keyctl',
    [KEYCTL_SETPERM, KEY_SPEC_SESSION_KEYRING, perm, 0, 0],
    `make the session keyring searchable (perm 0x${perm.toString(16)})`,
    { tolerate: ['ENOSYS'] },
  );
}
