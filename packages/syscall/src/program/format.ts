// Layout of a serialised program: docs/program-format.md is the contract and
// native/src/program.h its C twin. Change one, change all three.

export const PROGRAM_MAGIC = 0x31504347; // "GCP1" read as a little-endian u32
export const PROGRAM_VERSION = 1;

export const HEADER_SIZE = 64;
export const OP_SIZE = 128;
export const ARG_SIZE = 16;
export const FD_ENTRY_SIZE = 8;
export const RELOC_ENTRY_SIZE = 4;
export const RESULT_SIZE = 8;

export const MAX_ARGS = 6;
export const MAX_TOLERATED = 8;
export const MAX_FDS = 256;
/** The op index a failure in the prologue reports. */
export const PROLOGUE_OP_INDEX = 0xffffffff;
/** The exit status of a child whose op failed. */
export const FAILED_EXIT_CODE = 255;

/** Header field offsets. */
export const HEADER = {
  magic: 0,
  version: 4,
  arch: 6,
  opCount: 8,
  opsOff: 12,
  fdCount: 16,
  fdsOff: 20,
  relocCount: 24,
  relocOff: 28,
  resultsOff: 32,
  arenaOff: 36,
  arenaLen: 40,
  totalLen: 44,
  flags: 48,
  reserved: 52,
} as const;

/** Op field offsets. */
export const OP = {
  kind: 0,
  nargs: 1,
  ntol: 2,
  flags: 3,
  nr: 4,
  labelOff: 8,
  pkgOff: 12,
  args: 16,
  tol: 112,
} as const;

export const OP_KIND = {
  syscall: 1,
  wait: 2,
  notify: 3,
  fork: 4,
  execvp: 5,
  store: 6,
  lookpath: 7,
  run: 8,
  reexec: 9,
} as const;

/**
 * How a RUN op failed, in the err word of its error record (program.h
 * `GC_RUN_*`): an errno below 0x10000, or a tag ORed with the exit code or
 * signal number. Decoded by `runFailure`.
 */
export const RUN_FAILURE = {
  exited: 0x10000,
  signaled: 0x20000,
  timeout: 0x30000,
} as const;

export type OpKind = keyof typeof OP_KIND;

export const ARG_KIND = {
  imm: 0,
  ptr: 1,
  ref: 2,
  syncFd: 3,
} as const;

export type ArgKind = keyof typeof ARG_KIND;

const OP_KIND_NAMES = new Map<number, OpKind>(Object.entries(OP_KIND).map(([name, id]) => [id, name as OpKind]));
const ARG_KIND_NAMES = new Map<number, ArgKind>(Object.entries(ARG_KIND).map(([name, id]) => [id, name as ArgKind]));

export function opKindName(id: number): OpKind | undefined {
  return OP_KIND_NAMES.get(id);
}

export function argKindName(id: number): ArgKind | undefined {
  return ARG_KIND_NAMES.get(id);
}

/** The default search path of EXECVP when the program passes none (as glibc's execvpe). */
export const DEFAULT_EXEC_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Rounds up to a multiple of 8 (offsets are u32, so no 32-bit bit tricks). */
export function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
