// The program API: plan ops in TypeScript, serialise them for the C executor.

export type {
  ArenaItem,
  ArenaItemKind,
  StructField,
  StructFieldLayout,
  StructIntType,
  StructOptions,
} from './arena.js';
export { ArenaPtr, ArenaStruct } from './arena.js';
export type { DecodedArg, DecodedOp, DecodedProgram } from './decode.js';
export { decodeProgram, readArenaString, readArenaU64 } from './decode.js';
export type { ProgramLayout } from './encode.js';
export { formatArgs, formatCall } from './explain.js';
export type { ArgKind, OpKind } from './format.js';
export {
  DEFAULT_EXEC_PATH,
  FAILED_EXIT_CODE,
  HEADER_SIZE,
  MAX_ARGS,
  MAX_FDS,
  MAX_TOLERATED,
  OP_SIZE,
  PROGRAM_MAGIC,
  PROGRAM_VERSION,
  PROLOGUE_OP_INDEX,
} from './format.js';
export type { Arg, EncodedArg, FdEntry, OpDescription, OpInfo } from './op.js';
export { OpRef, SYNC_FD, SyncFd } from './op.js';
export type { ExecvpOptions, RunAndWaitOptions, SyscallOptions } from './program.js';
export { DEFAULT_PKG, Program, ProgramScope } from './program.js';
export type { RunFailure } from './run-failure.js';
export { runFailure, runFailureText } from './run-failure.js';
