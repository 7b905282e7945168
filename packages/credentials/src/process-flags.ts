import { PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, type ProgramScope } from '@gc/syscall';
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
