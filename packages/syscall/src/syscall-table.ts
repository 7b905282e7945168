import type { Arch } from './arch.js';
import { GcError } from './errors.js';

/** A syscall's number on each architecture; `null` where it does not exist (legacy non-`*at` calls on arm64). */
export interface SyscallNumbers {
  readonly x64: number;
  readonly arm64: number | null;
}

/**
 * Linux syscall numbers for what a container runtime calls, plans or filters.
 * x64 from `asm/unistd_64.h`; arm64 from `asm-generic/unistd.h`, which has no
 * legacy path calls (`open`, `mkdir`, ...). Tests check both against the headers.
 */
export const SYSCALLS = {
  read: { x64: 0, arm64: 63 },
  write: { x64: 1, arm64: 64 },
  close: { x64: 3, arm64: 57 },
  openat: { x64: 257, arm64: 56 },
  openat2: { x64: 437, arm64: 437 },
  open_tree: { x64: 428, arm64: 428 },
  move_mount: { x64: 429, arm64: 429 },
  fsopen: { x64: 430, arm64: 430 },
  fsconfig: { x64: 431, arm64: 431 },
  fsmount: { x64: 432, arm64: 432 },
  fspick: { x64: 433, arm64: 433 },
  mount_setattr: { x64: 442, arm64: 442 },
  mount: { x64: 165, arm64: 40 },
  umount2: { x64: 166, arm64: 39 },
  pivot_root: { x64: 155, arm64: 41 },
  chroot: { x64: 161, arm64: 51 },
  chdir: { x64: 80, arm64: 49 },
  fchdir: { x64: 81, arm64: 50 },
  mkdirat: { x64: 258, arm64: 34 },
  mknodat: { x64: 259, arm64: 33 },
  symlinkat: { x64: 266, arm64: 36 },
  linkat: { x64: 265, arm64: 37 },
  unlinkat: { x64: 263, arm64: 35 },
  renameat2: { x64: 316, arm64: 276 },
  readlinkat: { x64: 267, arm64: 78 },
  fchmodat: { x64: 268, arm64: 53 },
  fchownat: { x64: 260, arm64: 54 },
  fchown: { x64: 93, arm64: 55 },
  fchmod: { x64: 91, arm64: 52 },
  faccessat: { x64: 269, arm64: 48 },
  faccessat2: { x64: 439, arm64: 439 },
  newfstatat: { x64: 262, arm64: 79 },
  fstat: { x64: 5, arm64: 80 },
  statx: { x64: 332, arm64: 291 },
  statfs: { x64: 137, arm64: 43 },
  fstatfs: { x64: 138, arm64: 44 },
  getdents64: { x64: 217, arm64: 61 },
  lseek: { x64: 8, arm64: 62 },
  ftruncate: { x64: 77, arm64: 46 },
  fsync: { x64: 74, arm64: 82 },
  sync: { x64: 162, arm64: 81 },
  syncfs: { x64: 306, arm64: 267 },
  utimensat: { x64: 280, arm64: 88 },
  setxattr: { x64: 188, arm64: 5 },
  lsetxattr: { x64: 189, arm64: 6 },
  fsetxattr: { x64: 190, arm64: 7 },
  getxattr: { x64: 191, arm64: 8 },
  lgetxattr: { x64: 192, arm64: 9 },
  fgetxattr: { x64: 193, arm64: 10 },
  sethostname: { x64: 170, arm64: 161 },
  setdomainname: { x64: 171, arm64: 162 },
  uname: { x64: 63, arm64: 160 },
  setns: { x64: 308, arm64: 268 },
  unshare: { x64: 272, arm64: 97 },
  clone: { x64: 56, arm64: 220 },
  clone3: { x64: 435, arm64: 435 },
  prctl: { x64: 157, arm64: 167 },
  capget: { x64: 125, arm64: 90 },
  capset: { x64: 126, arm64: 91 },
  seccomp: { x64: 317, arm64: 277 },
  setresuid: { x64: 117, arm64: 147 },
  setresgid: { x64: 119, arm64: 149 },
  setgroups: { x64: 116, arm64: 159 },
  setuid: { x64: 105, arm64: 146 },
  setgid: { x64: 106, arm64: 144 },
  setreuid: { x64: 113, arm64: 145 },
  setregid: { x64: 114, arm64: 143 },
  setfsuid: { x64: 122, arm64: 151 },
  setfsgid: { x64: 123, arm64: 152 },
  getuid: { x64: 102, arm64: 174 },
  geteuid: { x64: 107, arm64: 175 },
  getgid: { x64: 104, arm64: 176 },
  getegid: { x64: 108, arm64: 177 },
  getresuid: { x64: 118, arm64: 148 },
  getresgid: { x64: 120, arm64: 150 },
  prlimit64: { x64: 302, arm64: 261 },
  ioctl: { x64: 16, arm64: 29 },
  socket: { x64: 41, arm64: 198 },
  socketpair: { x64: 53, arm64: 199 },
  bind: { x64: 49, arm64: 200 },
  listen: { x64: 50, arm64: 201 },
  connect: { x64: 42, arm64: 203 },
  accept4: { x64: 288, arm64: 242 },
  sendto: { x64: 44, arm64: 206 },
  recvfrom: { x64: 45, arm64: 207 },
  sendmsg: { x64: 46, arm64: 211 },
  recvmsg: { x64: 47, arm64: 212 },
  setsockopt: { x64: 54, arm64: 208 },
  getsockopt: { x64: 55, arm64: 209 },
  shutdown: { x64: 48, arm64: 210 },
  dup: { x64: 32, arm64: 23 },
  dup3: { x64: 292, arm64: 24 },
  fcntl: { x64: 72, arm64: 25 },
  pipe2: { x64: 293, arm64: 59 },
  execve: { x64: 59, arm64: 221 },
  execveat: { x64: 322, arm64: 281 },
  getpid: { x64: 39, arm64: 172 },
  getppid: { x64: 110, arm64: 173 },
  gettid: { x64: 186, arm64: 178 },
  kill: { x64: 62, arm64: 129 },
  tgkill: { x64: 234, arm64: 131 },
  exit: { x64: 60, arm64: 93 },
  exit_group: { x64: 231, arm64: 94 },
  pidfd_open: { x64: 434, arm64: 434 },
  pidfd_send_signal: { x64: 424, arm64: 424 },
  pidfd_getfd: { x64: 438, arm64: 438 },
  waitid: { x64: 247, arm64: 95 },
  wait4: { x64: 61, arm64: 260 },
  umask: { x64: 95, arm64: 166 },
  setsid: { x64: 112, arm64: 157 },
  setpgid: { x64: 109, arm64: 154 },
  getpgid: { x64: 121, arm64: 155 },
  getsid: { x64: 124, arm64: 156 },
  keyctl: { x64: 250, arm64: 219 },
  add_key: { x64: 248, arm64: 217 },
  request_key: { x64: 249, arm64: 218 },
  personality: { x64: 135, arm64: 92 },
  sched_setaffinity: { x64: 203, arm64: 122 },
  sched_getaffinity: { x64: 204, arm64: 123 },
  sched_setscheduler: { x64: 144, arm64: 119 },
  sched_setattr: { x64: 314, arm64: 274 },
  setpriority: { x64: 141, arm64: 140 },
  ioprio_set: { x64: 251, arm64: 30 },
  close_range: { x64: 436, arm64: 436 },
  mmap: { x64: 9, arm64: 222 },
  munmap: { x64: 11, arm64: 215 },
  mprotect: { x64: 10, arm64: 226 },
  madvise: { x64: 28, arm64: 233 },
  memfd_create: { x64: 319, arm64: 279 },
  rt_sigaction: { x64: 13, arm64: 134 },
  rt_sigprocmask: { x64: 14, arm64: 135 },
  sigaltstack: { x64: 131, arm64: 132 },
  getrandom: { x64: 318, arm64: 278 },
  reboot: { x64: 169, arm64: 142 },
  init_module: { x64: 175, arm64: 105 },
  finit_module: { x64: 313, arm64: 273 },
  delete_module: { x64: 176, arm64: 106 },
  kexec_load: { x64: 246, arm64: 104 },
  ptrace: { x64: 101, arm64: 117 },
  process_vm_readv: { x64: 310, arm64: 270 },
  process_vm_writev: { x64: 311, arm64: 271 },
  kcmp: { x64: 312, arm64: 272 },
  bpf: { x64: 321, arm64: 280 },
  perf_event_open: { x64: 298, arm64: 241 },
  userfaultfd: { x64: 323, arm64: 282 },
  io_uring_setup: { x64: 425, arm64: 425 },
  landlock_create_ruleset: { x64: 444, arm64: 444 },
  landlock_add_rule: { x64: 445, arm64: 445 },
  landlock_restrict_self: { x64: 446, arm64: 446 },
  name_to_handle_at: { x64: 303, arm64: 264 },
  open_by_handle_at: { x64: 304, arm64: 265 },
  swapon: { x64: 167, arm64: 224 },
  swapoff: { x64: 168, arm64: 225 },
  acct: { x64: 163, arm64: 89 },
  quotactl: { x64: 179, arm64: 60 },
  nanosleep: { x64: 35, arm64: 101 },
  clock_gettime: { x64: 228, arm64: 113 },
  getcwd: { x64: 79, arm64: 17 },
  inotify_init1: { x64: 294, arm64: 26 },
  epoll_create1: { x64: 291, arm64: 20 },
  eventfd2: { x64: 290, arm64: 19 },
  signalfd4: { x64: 289, arm64: 74 },
  timerfd_create: { x64: 283, arm64: 85 },
  futex: { x64: 202, arm64: 98 },
  set_robust_list: { x64: 273, arm64: 99 },
  set_tid_address: { x64: 218, arm64: 96 },
  rseq: { x64: 334, arm64: 293 },
  getrlimit: { x64: 97, arm64: 163 },
  setrlimit: { x64: 160, arm64: 164 },
  open: { x64: 2, arm64: null },
  creat: { x64: 85, arm64: null },
  mkdir: { x64: 83, arm64: null },
  mknod: { x64: 133, arm64: null },
  rmdir: { x64: 84, arm64: null },
  symlink: { x64: 88, arm64: null },
  link: { x64: 86, arm64: null },
  unlink: { x64: 87, arm64: null },
  rename: { x64: 82, arm64: null },
  readlink: { x64: 89, arm64: null },
  chmod: { x64: 90, arm64: null },
  chown: { x64: 92, arm64: null },
  lchown: { x64: 94, arm64: null },
  access: { x64: 21, arm64: null },
  stat: { x64: 4, arm64: null },
  lstat: { x64: 6, arm64: null },
  pipe: { x64: 22, arm64: null },
  dup2: { x64: 33, arm64: null },
  fork: { x64: 57, arm64: null },
  vfork: { x64: 58, arm64: null },
  getdents: { x64: 78, arm64: null },
  poll: { x64: 7, arm64: null },
  select: { x64: 23, arm64: null },
  epoll_create: { x64: 213, arm64: null },
  inotify_init: { x64: 253, arm64: null },
  eventfd: { x64: 284, arm64: null },
  signalfd: { x64: 282, arm64: null },
  alarm: { x64: 37, arm64: null },
  pause: { x64: 34, arm64: null },
  time: { x64: 201, arm64: null },
  utimes: { x64: 235, arm64: null },
  arch_prctl: { x64: 158, arm64: null },
  iopl: { x64: 172, arm64: null },
  ioperm: { x64: 173, arm64: null },
  modify_ldt: { x64: 154, arm64: null },
} as const satisfies Readonly<Record<string, SyscallNumbers>>;

export type SyscallName = keyof typeof SYSCALLS;

const table: Readonly<Record<string, SyscallNumbers>> = SYSCALLS;
const byNumber: Record<Arch, Map<number, string>> = { x64: new Map(), arm64: new Map() };
for (const [name, numbers] of Object.entries(table)) {
  byNumber.x64.set(numbers.x64, name);
  if (numbers.arm64 !== null) byNumber.arm64.set(numbers.arm64, name);
}

export function isSyscallName(name: string): name is SyscallName {
  return Object.hasOwn(table, name);
}

/** The number, or undefined when the table does not know the syscall or the arch lacks it. */
export function findSyscallNumber(name: string, arch: Arch): number | undefined {
  if (!isSyscallName(name)) return undefined;
  return table[name]?.[arch] ?? undefined;
}

/**
 * `('mount', 'arm64')` -> 40. Throws GcError `ENOSYS_ARCH` naming the syscall
 * and arch when the table does not know it or the arch has no such call.
 */
export function syscallNumber(name: string, arch: Arch): number {
  const nr = findSyscallNumber(name, arch);
  if (nr !== undefined) return nr;
  const why = isSyscallName(name) ? `does not exist on ${arch}` : 'is not in the syscall table';
  throw new GcError('ENOSYS_ARCH', `syscall ${name} ${why} (planning for ${arch})`);
}

/** `(40, 'arm64')` -> `mount`; undefined for a number the table does not hold. */
export function syscallName(nr: number, arch: Arch): string | undefined {
  return byNumber[arch].get(nr);
}
