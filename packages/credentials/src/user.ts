import { GcError, type ProgramScope } from '@gc/syscall';
import { INVALID_CONFIG, PKG } from './pkg.js';
import { planParentDeathSignal } from './process-flags.js';

/** OCI `process.user` (numeric; resolve names with `resolveUser`). */
export interface User {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: readonly number[] | undefined;
}

export interface PlanUserOptions {
  /**
   * Call setgroups(2) (default true). Pass false when the container's user
   * namespace had `deny` written to /proc/PID/setgroups: the kernel then
   * refuses it, and runc skips it too.
   */
  readonly setgroups?: boolean;
  /** The config field named in errors (default `process.user`). */
  readonly field?: string;
  /**
   * The uid/gid change clears PR_SET_PDEATHSIG: give the signal to re-arm it
   * right after, with the check that the parent is still alive
   * (`planParentDeathSignal`). Default: not re-armed.
   */
  readonly parentDeathSignal?: NodeJS.Signals | number;
}

/** The largest id a setres*id(2) call takes: (uid_t)-1 means "leave unchanged". */
export const MAX_ID = 0xfffffffe;

/** NGROUPS_MAX of linux/limits.h: setgroups(2) refuses more. */
export const NGROUPS_MAX = 65536;

/**
 * Plan the switch to the container's user, in runc's order (setupUser):
 * `setgroups(additionalGids)` first, while still privileged (also with an
 * empty list: it drops the runtime's own supplementary groups), then
 * `setresgid(gid)`, then `setresuid(uid)` last, since after it the process
 * may no longer change its groups.
 *
 * A non-root uid loses its permitted capabilities here unless
 * PR_SET_KEEPCAPS is on: plan it between `planBoundingSet` and
 * `planCapabilitySets` of `@gc/capabilities`.
 */
export function planUser(program: ProgramScope, user: User, options: PlanUserOptions = {}): void {
  const field = options.field ?? 'process.user';
  if (typeof user !== 'object' || user === null) throw new GcError(INVALID_CONFIG, `${field}: expected { uid, gid }`);
  const uid = checkId(user.uid, `${field}.uid`);
  const gid = checkId(user.gid, `${field}.gid`);
  const extra = user.additionalGids ?? [];
  if (!Array.isArray(extra)) throw new GcError(INVALID_CONFIG, `${field}.additionalGids: expected an array of gids`);
  if (extra.length > NGROUPS_MAX) {
    throw new GcError(
      INVALID_CONFIG,
      `${field}.additionalGids: ${extra.length} groups, the kernel takes at most ${NGROUPS_MAX}`,
    );
  }
  const gids = extra.map((g, i) => checkId(g, `${field}.additionalGids[${i}]`));
  const p = program.scope(PKG);
  if (options.setgroups ?? true) {
    const list = new Uint8Array(gids.length * 4);
    const view = new DataView(list.buffer);
    for (const [i, g] of gids.entries()) view.setUint32(i * 4, g, true);
    p.syscall(
      'setgroups',
      [gids.length, gids.length === 0 ? null : p.bytes(list)],
      gids.length === 0
        ? 'drop every supplementary group (setgroups [])'
        : `set the supplementary groups to ${gids.join(', ')}`,
    );
  }
  p.syscall('setresgid', [gid, gid, gid], `become gid ${gid} (setresgid)`);
  p.syscall('setresuid', [uid, uid, uid], `become uid ${uid} (setresuid)`);
  if (options.parentDeathSignal !== undefined) planParentDeathSignal(program, options.parentDeathSignal);
}

function checkId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_ID) {
    throw new GcError(INVALID_CONFIG, `${field}: expected an id in 0..${MAX_ID}, got ${JSON.stringify(value)}`);
  }
  return value;
}
