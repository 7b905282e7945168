import type { Arch } from '@gc/syscall';
import {
  AUDIT_ARCH_AARCH64,
  AUDIT_ARCH_ARM,
  AUDIT_ARCH_I386,
  AUDIT_ARCH_X86_64,
  X32_SYSCALL_BIT,
} from './constants.js';
import type { TableArch } from './syscall-tables.js';

/** The OCI `SCMP_ARCH_*` names libseccomp knows. */
export const SCMP_ARCH_NAMES = [
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K',
  'SCMP_ARCH_SH',
  'SCMP_ARCH_SHEB',
] as const;

export type ScmpArchName = (typeof SCMP_ARCH_NAMES)[number];

/** An architecture a filter can hold rules for. */
export interface FilterArch {
  readonly name: ScmpArchName;
  readonly table: TableArch;
  /** The `seccomp_data.arch` the kernel reports for it. */
  readonly audit: number;
  /** 32-bit ABIs: libseccomp compares only the low 32 bits of an argument. */
  readonly bits: 32 | 64;
}

export const FILTER_ARCHES: Readonly<Record<TableArch, FilterArch>> = {
  x86_64: { name: 'SCMP_ARCH_X86_64', table: 'x86_64', audit: AUDIT_ARCH_X86_64, bits: 64 },
  x32: { name: 'SCMP_ARCH_X32', table: 'x32', audit: AUDIT_ARCH_X86_64, bits: 64 },
  x86: { name: 'SCMP_ARCH_X86', table: 'x86', audit: AUDIT_ARCH_I386, bits: 32 },
  aarch64: { name: 'SCMP_ARCH_AARCH64', table: 'aarch64', audit: AUDIT_ARCH_AARCH64, bits: 64 },
  arm: { name: 'SCMP_ARCH_ARM', table: 'arm', audit: AUDIT_ARCH_ARM, bits: 32 },
};

const BY_SCMP_NAME = new Map<string, FilterArch>(Object.values(FILTER_ARCHES).map((a) => [a.name, a]));

/** The filter arch of an `SCMP_ARCH_*` name, if there are tables for it. */
export function filterArchOf(name: string): FilterArch | undefined {
  return BY_SCMP_NAME.get(name);
}

/**
 * What a task on a host of `arch` can call with: the native ABI first, then
 * the compat ones. Rules for other arches could never match there, so a
 * filter leaves them out (libseccomp would emit dead code for them).
 */
export const HOST_ABIS: Readonly<Record<Arch, readonly TableArch[]>> = {
  x64: ['x86_64', 'x86', 'x32'],
  arm64: ['aarch64', 'arm'],
};

/** The arch libseccomp always adds to a filter (`seccomp_init` includes the native one). */
export const NATIVE_ABI: Readonly<Record<Arch, TableArch>> = { x64: 'x86_64', arm64: 'aarch64' };

/** Docker's `includes.arches` / `excludes.arches` name for a host (Go's GOARCH through goToNative). */
export const DOCKER_ARCH_NAME: Readonly<Record<Arch, string>> = { x64: 'amd64', arm64: 'arm64' };

/** Which table a syscall number on `audit` belongs to, as the filter sees it. */
export function abiOf(audit: number, nr: number): TableArch | undefined {
  switch (audit) {
    case AUDIT_ARCH_X86_64:
      return nr >= X32_SYSCALL_BIT ? 'x32' : 'x86_64';
    case AUDIT_ARCH_I386:
      return 'x86';
    case AUDIT_ARCH_AARCH64:
      return 'aarch64';
    case AUDIT_ARCH_ARM:
      return 'arm';
    default:
      return undefined;
  }
}
