import type { Arch } from '../arch.js';
import {
  AF_NAMES,
  AT_FDCWD,
  AT_FLAG_NAMES,
  CLONE_FLAG_NAMES,
  FSCONFIG_CMD_NAMES,
  IOCTL_NAMES,
  MOUNT_ATTR_NAMES,
  MOVE_MOUNT_FLAG_NAMES,
  MS_FLAG_NAMES,
  OPEN_TREE_FLAG_NAMES,
  openFlagsToString,
  PR_OPTION_NAMES,
  SOCK_FLAG_NAMES,
  SOCK_TYPE_NAMES,
  UMOUNT_FLAG_NAMES,
} from '../constants.js';
import { errnoName } from '../errno.js';
import { enumToString, type FlagTable, flagsToString } from '../flags.js';
import { ArenaPtr } from './arena.js';
import type { Arg, FdEntry, OpInfo } from './op.js';

type Formatter = (value: number | bigint, arch: Arch) => string;

const flags =
  (table: FlagTable): Formatter =>
  (v) =>
    flagsToString(v, table);
const choice =
  (table: FlagTable): Formatter =>
  (v) =>
    enumToString(v, table);
const dirfd: Formatter = (v) => (BigInt(v) === BigInt(AT_FDCWD) ? 'AT_FDCWD' : String(v));
const mode: Formatter = (v) => `0${BigInt(v).toString(8)}`;
const openFlags: Formatter = (v, arch) => openFlagsToString(v, arch);
const socketType: Formatter = (v) => {
  const big = BigInt(v);
  const type = enumToString(big & 0xfn, SOCK_TYPE_NAMES);
  const rest = big & ~0xfn;
  return rest === 0n ? type : `${type}|${flagsToString(rest, SOCK_FLAG_NAMES)}`;
};

// Which numeric arguments of which syscalls read better as names. Small on
// purpose: add a row when an explanation is hard to read, not for completeness.
const SYSCALL_ARGS: Readonly<Record<string, Readonly<Record<number, Formatter>>>> = {
  mount: { 3: flags(MS_FLAG_NAMES) },
  umount2: { 1: flags(UMOUNT_FLAG_NAMES) },
  unshare: { 0: flags(CLONE_FLAG_NAMES) },
  setns: { 1: flags(CLONE_FLAG_NAMES) },
  clone: { 0: flags(CLONE_FLAG_NAMES) },
  openat: { 0: dirfd, 2: openFlags, 3: mode },
  open_tree: { 0: dirfd, 2: flags(OPEN_TREE_FLAG_NAMES) },
  move_mount: { 0: dirfd, 2: dirfd, 4: flags(MOVE_MOUNT_FLAG_NAMES) },
  mount_setattr: { 0: dirfd, 2: flags(AT_FLAG_NAMES) },
  fsconfig: { 1: choice(FSCONFIG_CMD_NAMES) },
  fsmount: { 2: flags(MOUNT_ATTR_NAMES) },
  mkdirat: { 0: dirfd, 2: mode },
  mknodat: { 0: dirfd, 2: mode },
  symlinkat: { 1: dirfd },
  unlinkat: { 0: dirfd, 2: flags(AT_FLAG_NAMES) },
  fchmodat: { 0: dirfd, 2: mode },
  fchownat: { 0: dirfd, 4: flags(AT_FLAG_NAMES) },
  prctl: { 0: choice(PR_OPTION_NAMES) },
  socket: { 0: choice(AF_NAMES), 1: socketType },
  socketpair: { 0: choice(AF_NAMES), 1: socketType },
  ioctl: { 1: choice(IOCTL_NAMES) },
};

function formatArg(arg: Arg, formatter: Formatter | undefined, arch: Arch): string {
  if (arg === null) return 'NULL';
  if (typeof arg === 'number' || typeof arg === 'bigint') return formatter ? formatter(arg, arch) : String(arg);
  if (typeof arg === 'string') return JSON.stringify(arg);
  if (Array.isArray(arg)) return `[${arg.map((s) => JSON.stringify(s)).join(', ')}]`;
  if (arg instanceof Uint8Array) return `bytes(${arg.length})`;
  if (arg instanceof ArenaPtr) return arg.describe();
  return String(arg); // OpRef `$n`, SYNC_FD
}

/** An op's arguments as `formatCall` writes them: `"proc"`, `MS_NOSUID|MS_NODEV`, `$3` (op 3's result), `NULL`. */
export function formatArgs(op: OpInfo, arch: Arch): string[] {
  const name = op.kind === 'syscall' ? (op.syscall ?? `syscall_${op.nr}`) : op.kind;
  const table =
    op.kind === 'syscall' ? SYSCALL_ARGS[name] : op.kind === 'fork' ? { 0: flags(CLONE_FLAG_NAMES) } : undefined;
  return op.args.map((arg, i) => formatArg(arg, table?.[i], arch));
}

/** `mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)`, and ` tolerate EBUSY,ENOENT`. */
export function formatCall(op: OpInfo, arch: Arch): string {
  const name = op.kind === 'syscall' ? (op.syscall ?? `syscall_${op.nr}`) : op.kind;
  const args = formatArgs(op, arch);
  const tolerate = op.tolerate.length > 0 ? ` tolerate ${op.tolerate.map(errnoName).join(',')}` : '';
  return `${name}(${args.join(', ')})${tolerate}`;
}

const MAX_CALL_COLUMN = 72;

/** One line per op: index, call, label, `[package]`; the first line names the arch and the child's fds. */
export function formatProgram(arch: Arch, ops: readonly OpInfo[], fds: readonly FdEntry[]): string {
  const fdText = fds.length === 0 ? 'none' : fds.map((fd) => `${fd.target}<-${fd.source}`).join(' ');
  const calls = ops.map((op) => formatCall(op, arch));
  const indexWidth = Math.max(2, String(ops.length - 1).length);
  const callWidth = Math.min(MAX_CALL_COLUMN, Math.max(0, ...calls.map((c) => c.length)));
  const lines = ops.map((op, i) => {
    const index = String(i).padStart(indexWidth);
    return `${index}  ${(calls[i] as string).padEnd(callWidth)}   ${op.label}  [${op.pkg}]`;
  });
  return [`# ${arch} program, ${ops.length} ops, child fds ${fdText}`, ...lines].join('\n');
}
