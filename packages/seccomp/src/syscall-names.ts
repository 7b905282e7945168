import { OTHER_ARCH_SYSCALL_NAMES, SYSCALL_TABLES, type TableArch } from './syscall-tables.js';

// A name of another architecture (powerpc's swapcontext, s390's s390_runtime_instr) is a
// syscall all the same: profiles list those, and libseccomp skips them where they do not exist.
// Made on the first question: a container without a profile never asks, and
// every command that imports @gc/seccomp would pay for it at start-up.
let allNames: Set<string> | undefined;
const BY_NUMBER = new Map<TableArch, Map<number, string>>();

/** The number of `name` on `arch`, or undefined when that arch has no such syscall. */
export function seccompSyscallNumber(name: string, arch: TableArch): number | undefined {
  const table = SYSCALL_TABLES[arch];
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** The name of syscall `nr` on `arch` (the first, for the few numbers with two names). */
export function seccompSyscallName(nr: number, arch: TableArch): string | undefined {
  let map = BY_NUMBER.get(arch);
  if (!map) {
    map = new Map();
    for (const [name, n] of Object.entries(SYSCALL_TABLES[arch])) if (!map.has(n)) map.set(n, name);
    BY_NUMBER.set(arch, map);
  }
  return map.get(nr);
}

/** Is `name` a syscall on any architecture (those with tables here, and the others libseccomp knows)? */
export function isKnownSyscall(name: string): boolean {
  allNames ??= new Set<string>([
    ...Object.values(SYSCALL_TABLES).flatMap((t) => Object.keys(t)),
    ...OTHER_ARCH_SYSCALL_NAMES,
  ]);
  return allNames.has(name);
}
