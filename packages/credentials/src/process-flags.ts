import {
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  PR_SET_DUMPABLE,
  PR_SET_NO_NEW_PRIVS,
  PR_SET_PDEATHSIG,
  type ProgramScope,
  signalNumber,
} from '@gc/syscall';
import { PKG } from './pkg.js';

/**
 * Plan `prctl(PR_SET_NO_NEW_PRIVS, 1)` (OCI `process.noNewPrivileges`): from
 * here on execve(2) grants nothing (setuid bits, file capabilities), and a
 * seccomp filter may be loaded without CAP_SYS_ADMIN. It cannot be undone
 * and survives exec; plan it before the seccomp filter.
 */
export function planNoNewPrivs(program: ProgramScope): void {
  program.scope(PKG).syscall('prctl', [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0], 'set no_new_privs (PR_SET_NO_NEW_PRIVS 1)');
}

/**
 * Plan `prctl(PR_SET_DUMPABLE, 0 or 1)`. Not dumpable, the process's
 * /proc/PID files belong to root and it cannot be ptraced by its owner: set
 * it to 0 before joining the namespaces of a running container so its
 * processes cannot reach in through /proc (CVE-2016-9962). execve(2) resets
 * it (to 1, unless the binary is setuid or unreadable), so it only guards
 * the setup.
 */
export function planDumpable(program: ProgramScope, dumpable: boolean): void {
  program
    .scope(PKG)
    .syscall(
      'prctl',
      [PR_SET_DUMPABLE, dumpable ? 1 : 0, 0, 0, 0],
      `make the process ${dumpable ? '' : 'not '}dumpable (PR_SET_DUMPABLE ${dumpable ? 1 : 0})`,
    );
}

/**
 * Plan `prctl(PR_SET_PDEATHSIG, signal)`, then a check that the parent (the
 * process that spawned the program) is still alive: the process dies with
 * its parent, also when the parent died just before the prctl.
 *
 * The kernel sends the signal when the parent exits, so a parent that died
 * before the prctl sends none: the process would run on, reparented to the
 * host's init. The check is a zero-length `sendto` on the sync socket (the
 * parent holds the other end, and nothing is sent): it fails with EPIPE once
 * every thread of the parent has exited. `getppid()` cannot tell (runc's
 * check): in a new PID namespace it is 0 before and after the parent died.
 *
 * The kernel clears the signal on every uid or gid change (and on exec of a
 * setuid binary): `planUser` re-arms it with its `parentDeathSignal` option.
 */
export function planParentDeathSignal(program: ProgramScope, signal: NodeJS.Signals | number): void {
  const p = program.scope(PKG);
  const sig = signalNumber(signal);
  p.syscall('prctl', [PR_SET_PDEATHSIG, sig, 0, 0, 0], `die with the parent (PR_SET_PDEATHSIG ${signal})`);
  p.syscall(
    'sendto',
    [p.syncFd, null, 0, MSG_DONTWAIT | MSG_NOSIGNAL, null, 0],
    'check the parent is still alive (zero-length send on the sync socket)',
  );
}
