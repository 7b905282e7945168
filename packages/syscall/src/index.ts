export type { Arch } from './arch.js';
export { ARCH_IDS, archFromId, archId, currentArch, isArch } from './arch.js';
export * from './constants.js';
export { errnoMessage, errnoName, errnoNumber } from './errno.js';
export type { SyscallErrorOptions } from './errors.js';
export { GcError, SyscallError } from './errors.js';
export { exitStatusFromSiginfo, shellExitCode } from './exit-status.js';
export type { FlagTable } from './flags.js';
export { enumToString, flagsToString } from './flags.js';
export type {
  BpfProgram,
  ExitStatus,
  FsParamString,
  Kernel,
  Notification,
  ProcessHandle,
  Pty,
  SpawnedChild,
  SpawnOptions,
  Timespec,
  WaitResult,
  WindowSize,
} from './kernel.js';
export * from './program/index.js';
export { createKernel } from './real-kernel.js';
export type { RunErrorOptions } from './run-error.js';
export { RunError } from './run-error.js';
export { SIGNAL_NAMES, SIGRTMAX, SIGRTMIN, signalName, signalNumber } from './signals.js';
export type { SyscallName, SyscallNumbers } from './syscall-table.js';
export { findSyscallNumber, isSyscallName, SYSCALLS, syscallName, syscallNumber } from './syscall-table.js';
export { makeRaw, type RawModeOptions } from './termios.js';
