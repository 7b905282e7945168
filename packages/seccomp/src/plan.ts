import { type OpRef, PR_SET_NO_NEW_PRIVS, type ProgramScope } from '@gc/syscall';
import { type CompiledFilter, compileSeccomp } from './compile.js';
import { SECCOMP_SET_MODE_FILTER } from './constants.js';
import { describeAction, type ProfileOptions } from './normalize.js';
import type { SeccompProfile } from './types.js';

export const SECCOMP_PKG = '@gc/seccomp';

export interface PlanSeccompOptions extends Omit<ProfileOptions, 'arch'> {
  /**
   * Set no_new_privs before the load (`prctl(PR_SET_NO_NEW_PRIVS, 1)`). Without
   * it the load needs CAP_SYS_ADMIN in the child's user namespace.
   */
  readonly noNewPrivs: boolean;
}

export interface SeccompPlan {
  readonly filter: CompiledFilter;
  /** The `seccomp()` op. */
  readonly load: OpRef;
  /**
   * With SCMP_ACT_NOTIFY rules, the load's result is the notification
   * listener fd (close-on-exec): pass it on (e.g. `sendmsg` on the sync
   * socket) in an op before the exec, and never notify a syscall that op makes.
   */
  readonly listenerFd: OpRef | undefined;
}

/**
 * Append the filter load to `program`: `prctl(PR_SET_NO_NEW_PRIVS)` if asked,
 * then `seccomp(SECCOMP_SET_MODE_FILTER, flags, &sock_fprog)`. The filter
 * applies to every later op of the child, so the runtime plans this last,
 * right before the exec (as runc does): the ops before it stay unfiltered,
 * and the exec itself must be allowed by the profile.
 */
export function planSeccomp(program: ProgramScope, profile: SeccompProfile, opts: PlanSeccompOptions): SeccompPlan {
  const p = program.scope(SECCOMP_PKG);
  const filter = compileSeccomp(profile, { ...opts, arch: p.arch });
  if (opts.noNewPrivs) p.syscall('prctl', [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0], 'set no_new_privs');
  const instructions = p.bytes(filter.bytes);
  // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
  const fprog = p.struct([
    { name: 'len', type: 'u16', value: filter.instructions.length },
    { name: 'filter', type: 'ptr', value: instructions },
  ]);
  const what = `${filter.instructions.length} instructions, default ${describeAction(filter.profile.defaultAction)}`;
  const load = p.syscall(
    'seccomp',
    [SECCOMP_SET_MODE_FILTER, filter.flags, fprog],
    `load the seccomp filter (${what})`,
  );
  return { filter, load, listenerFd: filter.needsListener ? load : undefined };
}
