// @gc/credentials: who the container's process is and what it may use, as
// syscall-program ops: user and groups, rlimits, no_new_privs, dumpable,
// oom_score_adj, namespaced sysctls and a session keyring of its own.

export type { GroupEntry, PasswdEntry } from './account-files.js';
export { parseGroup, parsePasswd } from './account-files.js';
export type { HostLimits } from './host-limits.js';
export { CAP_SYS_RESOURCE, parseLimits, readHostLimits } from './host-limits.js';
export type { SessionKeyringOptions } from './keyring.js';
export {
  KEY_SPEC_SESSION_KEYRING,
  KEYCTL_JOIN_SESSION_KEYRING,
  KEYCTL_SETPERM,
  NEW_SESSION_KEYRING_PERM,
  planSessionKeyring,
} from './keyring.js';
export { OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN, planOomScoreAdj } from './oom-score-adj.js';
export { INVALID_CONFIG, PKG } from './pkg.js';
export { planDumpable, planNoNewPrivs, planParentDeathSignal } from './process-flags.js';
export { MAX_ACCOUNT_FILE_BYTES, readFileInRoot } from './read-in-root.js';
export type { ResolvedUser, ResolveUserOptions } from './resolve-user.js';
export { MAX_USER_ID, resolveUser } from './resolve-user.js';
export type { RlimitType } from './rlimit-types.js';
export { formatRlimitValue, isRlimitType, RLIM_INFINITY, RLIMIT_RESOURCES } from './rlimit-types.js';
export type { PlanRlimitsOptions, Rlimit, ValidRlimit } from './rlimits.js';
export { planRlimits, validateRlimits } from './rlimits.js';
export type { SysctlNamespace, SysctlOptions, ValidSysctl } from './sysctl.js';
export { IPC_SYSCTLS, planSysctls, validateSysctls } from './sysctl.js';
export { parseUlimit, ULIMIT_NAMES } from './ulimit.js';
export type { PlanUserOptions, User } from './user.js';
export { MAX_ID, NGROUPS_MAX, planUser } from './user.js';
