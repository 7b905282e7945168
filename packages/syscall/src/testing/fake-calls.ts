import type { Arch } from '../arch.js';
import type { SyscallError } from '../errors.js';
import type { ExitStatus, Notification, SpawnOptions } from '../kernel.js';
import type { ArenaItemKind } from '../program/arena.js';
import type { OpKind } from '../program/format.js';
import type { SyncFd } from '../program/op.js';
import type { Program } from '../program/program.js';

/** The arguments of each Kernel method, as FakeKernel records them. */
export interface FakeCallArgs {
  spawn: { cloneFlags: bigint; cgroupFd: number | undefined };
  mount: { source: string | null; target: string; fstype: string | null; flags: number | bigint; data: string | null };
  umount2: { target: string; flags: number };
  openat2: { dirfd: number; path: string; how: { flags: number | bigint; mode: number; resolve: number | bigint } };
  openat: { dirfd: number; path: string; flags: number; mode: number };
  close: { fd: number };
  read: { fd: number; length: number };
  write: { fd: number; data: Uint8Array };
  pipe2: { flags: number };
  socketpair: { domain: number; type: number; protocol: number };
  connectUnix: { path: string };
  pidfdOpen: { pid: number; flags: number };
  pidfdSendSignal: { pidfd: number; signal: number };
  waitidNoHang: { idtype: 'pid' | 'pidfd'; id: number };
  prctl: { option: number; arg2: number | bigint; arg3: number | bigint; arg4: number | bigint; arg5: number | bigint };
  sendFds: { socket: number; fds: number[]; data: Uint8Array | undefined };
  recvFds: { socket: number; maxFds: number; maxData: number };
  openPty: Record<string, never>;
  attach: { pid: number };
  memfdCreate: { name: string; flags: number };
  mountDetached: { fstype: string; params: readonly { key: string; value: string }[]; readOnly: boolean };
  mkfifo: { path: string; mode: number };
  fcntl: { fd: number; cmd: number; arg: number };
  flock: { fd: number; operation: number };
  getTermios: { fd: number };
  setTermios: { fd: number; termios: Uint8Array };
  getWindowSize: { fd: number };
  setWindowSize: { fd: number; rows: number; columns: number };
  isatty: { fd: number };
  bpfProgLoad: {
    type: number;
    insns: Uint8Array;
    license: string;
    expectedAttachType: number;
    name: string | undefined;
  };
  bpfProgAttach: { targetFd: number; progFd: number; attachType: number; flags: number };
  setxattr: { path: string; name: string; value: string };
  getxattr: { path: string; name: string };
  fsetxattr: { fd: number; name: string; value: Uint8Array };
  lsetxattr: { path: string; name: string; value: Uint8Array };
  mkdirat: { dirfd: number; path: string; mode: number };
  mknodat: { dirfd: number; path: string; mode: number; major: number; minor: number };
  symlinkat: { target: string; dirfd: number; path: string };
  linkat: { oldDirfd: number; oldPath: string; newDirfd: number; newPath: string; flags: number };
  unlinkat: { dirfd: number; path: string; flags: number };
  fchownat: { dirfd: number; path: string; uid: number; gid: number; flags: number };
  fchmodat: { dirfd: number; path: string; mode: number };
  utimensat: {
    dirfd: number;
    path: string;
    atime: { sec: number; nsec: number };
    mtime: { sec: number; nsec: number };
    flags: number;
  };
  /** A spawned child's `kill()`: a pidfd_send_signal on its pidfd. */
  kill: { pid: number; signal: number };
}

export type FakeCallName = keyof FakeCallArgs;

/** One recorded call: which method, the syscall it stands for, its arguments and outcome. */
export type FakeCall = {
  [K in FakeCallName]: {
    readonly call: K;
    readonly syscall: string;
    readonly args: FakeCallArgs[K];
    result?: unknown;
    error?: SyscallError;
  };
}[FakeCallName];

/** A pointer argument that is not a string or string array: the bytes it points at, when the op ran. */
export interface FakePointer {
  readonly offset: number;
  readonly kind: ArenaItemKind | 'unknown';
  readonly bytes: Uint8Array;
}

/**
 * An op argument as FakeKernel read it: IMM as a number (a bigint beyond 2^53),
 * a REF as the earlier op's result, PTR as a string, string array or FakePointer,
 * SYNC_FD as the SYNC_FD marker.
 */
export type FakeValue = number | bigint | string | readonly string[] | FakePointer | SyncFd;

/** One op of a program as FakeKernel ran it. */
export interface FakeOpRecord {
  readonly index: number;
  readonly kind: OpKind;
  /** The syscall's name (reverse-mapped from its number) for SYSCALL ops. */
  readonly syscall: string | undefined;
  readonly nr: number;
  readonly args: readonly FakeValue[];
  readonly label: string;
  readonly pkg: string;
  /** The op's result: a return value, or -errno when it failed or an errno was tolerated. */
  result: number | bigint | undefined;
  /** The errno the op got, tolerated or not. */
  errno: number | undefined;
}

export interface FakeExec {
  readonly file: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** The search path the program passed; null for the executor's default. */
  readonly path: string | null;
}

export type FakeRunState = 'waiting' | 'exec' | 'completed' | 'failed' | 'killed';

/** One `spawn()`: the program and what became of it. */
export interface FakeProgramRun {
  readonly program: Program;
  readonly arch: Arch;
  readonly pid: number;
  readonly options: SpawnOptions;
  readonly ops: FakeOpRecord[];
  readonly notifications: Notification[];
  state: FakeRunState;
  exec: FakeExec | undefined;
  failure: { readonly op: number; readonly errno: number } | undefined;
  exitStatus: ExitStatus | undefined;
  /** `forget()` was called: the runtime left the process to another reaper. */
  forgotten?: boolean;
}

/** What a syscall handler sees. */
export interface FakeSyscallCall {
  readonly syscall: string;
  readonly args: readonly unknown[];
  /** Set for program ops. */
  readonly label?: string;
  readonly pkg?: string;
  readonly op?: number;
}

/** Returns the syscall's result (undefined means 0); may throw a SyscallError to fail the call. */
export type FakeSyscallHandler = (call: FakeSyscallCall) => number | bigint | undefined;
