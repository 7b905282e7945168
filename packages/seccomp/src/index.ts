export type { FilterArch, ScmpArchName } from './arches.js';
export { FILTER_ARCHES, HOST_ABIS, SCMP_ARCH_NAMES } from './arches.js';
export type { SockFilter } from './bpf.js';
export { decodeFilter, disassemble, encodeFilter, SOCK_FILTER_SIZE } from './bpf.js';
export type { CompiledFilter } from './compile.js';
export { compileNormalized, compileSeccomp } from './compile.js';
export * from './constants.js';
export { defaultProfile } from './default-profile.js';
export { SeccompProfileError } from './errors.js';
export { evaluateProfile } from './evaluate.js';
export type { FileFilterCacheOptions } from './file-filter-cache.js';
export { createFileFilterCache } from './file-filter-cache.js';
export type { FilterCache } from './filter-cache.js';
export type { CompiledFilterSummary } from './filter-summary.js';
export { isFilterSummary, summarizeFilter } from './filter-summary.js';
export { supportedSeccompFlags } from './flag-support.js';
export type { FilterResult, SeccompData } from './interpreter.js';
export { checkFilter, runFilter, seccompDataBytes } from './interpreter.js';
export type { Condition, NormalizedProfile, ProfileOptions, Rule, SkippedName } from './normalize.js';
export { describeAction, normalizeProfile } from './normalize.js';
export type { PlanSeccompOptions, SeccompPlan } from './plan.js';
export { planSeccomp, SECCOMP_PKG } from './plan.js';
export { isKnownSyscall, seccompSyscallName, seccompSyscallNumber } from './syscall-names.js';
export type { TableArch } from './syscall-tables.js';
export { SYSCALL_TABLES } from './syscall-tables.js';
export type {
  DockerArchMap,
  DockerFilter,
  SeccompArg,
  SeccompProfile,
  SeccompSyscall,
} from './types.js';
export { SECCOMP_VERSION } from './version.js';
