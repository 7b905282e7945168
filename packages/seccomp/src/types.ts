import type { SeccompActionName, SeccompOperator } from './constants.js';

/** One argument condition (OCI `LinuxSeccompArg`). For `SCMP_CMP_MASKED_EQ`, `value` is the mask and `valueTwo` the datum. */
export interface SeccompArg {
  readonly index: number;
  readonly value: number | bigint;
  readonly valueTwo?: number | bigint;
  readonly op: SeccompOperator | string;
}

/** Docker's `includes` / `excludes` of a syscall entry. */
export interface DockerFilter {
  readonly caps?: readonly string[] | null;
  readonly arches?: readonly string[] | null;
  readonly minKernel?: string | null;
}

/** One syscall rule (OCI `LinuxSyscall`, plus Docker's fields). */
export interface SeccompSyscall {
  readonly names?: readonly string[];
  /** Docker's older single-name form. */
  readonly name?: string;
  readonly action: SeccompActionName | string;
  readonly errnoRet?: number;
  readonly args?: readonly SeccompArg[] | null;
  readonly comment?: string;
  readonly includes?: DockerFilter | null;
  readonly excludes?: DockerFilter | null;
}

/** Docker's `archMap` entry: on a host of `architecture`, the filter covers the sub-architectures too. */
export interface DockerArchMap {
  readonly architecture: string;
  readonly subArchitectures?: readonly string[] | null;
}

/** An OCI `linux.seccomp` object, or a Docker profile (with `archMap` and `includes`/`excludes`). */
export interface SeccompProfile {
  readonly defaultAction: SeccompActionName | string;
  readonly defaultErrnoRet?: number;
  readonly architectures?: readonly string[] | null;
  readonly archMap?: readonly DockerArchMap[] | null;
  readonly flags?: readonly string[] | null;
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
  readonly syscalls?: readonly SeccompSyscall[] | null;
}
