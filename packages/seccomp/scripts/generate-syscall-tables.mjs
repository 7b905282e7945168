// Generates src/syscall-tables.ts: every syscall name of each architecture a
// seccomp filter can meet on an x86_64 or aarch64 host.
//
//   node scripts/generate-syscall-tables.mjs   (needs linux-libc-dev and cpp)
//
// Sources, in order:
// - this machine's kernel headers: asm/unistd_64.h (x86_64), asm/unistd_x32.h
//   (x32), asm/unistd_32.h (x86) and asm-generic/unistd.h run through cpp with
//   the __ARCH_WANT_* defines of arch/arm64/include/uapi/asm/unistd.h (aarch64);
// - syscalls newer than those headers (Debian 12 ships 6.1), from the kernel's
//   syscall tables up to 6.18: NEWER below;
// - 32-bit ARM, which has no header here: the EABI entries of the kernel's
//   arch/arm/tools/syscall.tbl (OABI-only numbers left out, as libseccomp
//   does) and the ARM private calls at __ARM_NR_BASE (0x0f0000).
// src/syscall-tables.test.ts checks the result against the headers.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INCLUDE = '/usr/include';
const X32_SYSCALL_BIT = 0x40000000;

/** Numbers 424 and up are shared by every architecture. */
const COMMON_FROM_424 = `pidfd_send_signal io_uring_setup io_uring_enter io_uring_register open_tree move_mount
  fsopen fsconfig fsmount fspick pidfd_open clone3 close_range openat2 pidfd_getfd faccessat2 process_madvise
  epoll_pwait2 mount_setattr quotactl_fd landlock_create_ruleset landlock_add_rule landlock_restrict_self
  memfd_secret process_mrelease futex_waitv set_mempolicy_home_node cachestat fchmodat2 map_shadow_stack
  futex_wake futex_wait futex_requeue statmount listmount lsm_get_self_attr lsm_set_self_attr lsm_list_modules
  mseal setxattrat getxattrat listxattrat removexattrat open_tree_attr file_getattr file_setattr`
  .split(/\s+/)
  .filter(Boolean)
  .map((name, i) => [name, 424 + i]);

/** What the 6.1 headers lack: 451 and up everywhere, and x86_64's uprobe calls. */
const NEWER = {
  x86_64: [['uretprobe', 335], ['uprobe', 336], ...COMMON_FROM_424.filter(([, nr]) => nr >= 451)],
  x32: COMMON_FROM_424.filter(([, nr]) => nr >= 451).map(([name, nr]) => [name, nr + X32_SYSCALL_BIT]),
  x86: COMMON_FROM_424.filter(([, nr]) => nr >= 451),
  aarch64: COMMON_FROM_424.filter(([, nr]) => nr >= 451),
};

// arch/arm/tools/syscall.tbl, EABI: one name per number from 0, '-' for a hole
// (unused, or OABI-only: time, umount, stime, alarm, utime, getrlimit, select,
// readdir, mmap, socketcall, syscall, ipc).
const ARM_EABI = `restart_syscall exit fork read write open close - creat link unlink execve chdir - mknod chmod
  lchown - - lseek getpid mount - setuid getuid - ptrace - - pause - - - access nice - sync kill rename mkdir rmdir
  dup pipe times - brk setgid getgid - geteuid getegid acct umount2 - ioctl fcntl - setpgid - - umask chroot ustat
  dup2 getppid getpgrp setsid sigaction - - setreuid setregid sigsuspend sigpending sethostname setrlimit -
  getrusage gettimeofday settimeofday getgroups setgroups - symlink - readlink uselib swapon reboot - - munmap
  truncate ftruncate fchmod fchown getpriority setpriority - statfs fstatfs - - syslog setitimer getitimer stat
  lstat fstat - - vhangup - - wait4 swapoff sysinfo - fsync sigreturn clone setdomainname uname - adjtimex mprotect
  sigprocmask - init_module delete_module - quotactl getpgid fchdir bdflush sysfs personality - setfsuid setfsgid
  _llseek getdents _newselect flock msync readv writev getsid fdatasync _sysctl mlock munlock mlockall munlockall
  sched_setparam sched_getparam sched_setscheduler sched_getscheduler sched_yield sched_get_priority_max
  sched_get_priority_min sched_rr_get_interval nanosleep mremap setresuid getresuid - - poll nfsservctl setresgid
  getresgid prctl rt_sigreturn rt_sigaction rt_sigprocmask rt_sigpending rt_sigtimedwait rt_sigqueueinfo
  rt_sigsuspend pread64 pwrite64 chown getcwd capget capset sigaltstack sendfile - - vfork ugetrlimit mmap2
  truncate64 ftruncate64 stat64 lstat64 fstat64 lchown32 getuid32 getgid32 geteuid32 getegid32 setreuid32
  setregid32 getgroups32 setgroups32 fchown32 setresuid32 getresuid32 setresgid32 getresgid32 chown32 setuid32
  setgid32 setfsuid32 setfsgid32 getdents64 pivot_root mincore madvise fcntl64 - - gettid readahead setxattr
  lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr removexattr lremovexattr
  fremovexattr tkill sendfile64 futex sched_setaffinity sched_getaffinity io_setup io_destroy io_getevents
  io_submit io_cancel exit_group lookup_dcookie epoll_create epoll_ctl epoll_wait remap_file_pages - -
  set_tid_address timer_create timer_settime timer_gettime timer_getoverrun timer_delete clock_settime
  clock_gettime clock_getres clock_nanosleep statfs64 fstatfs64 tgkill utimes arm_fadvise64_64 pciconfig_iobase
  pciconfig_read pciconfig_write mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify mq_getsetattr waitid
  socket bind connect listen accept getsockname getpeername socketpair send sendto recv recvfrom shutdown
  setsockopt getsockopt sendmsg recvmsg semop semget semctl msgsnd msgrcv msgget msgctl shmat shmdt shmget shmctl
  add_key request_key keyctl semtimedop vserver ioprio_set ioprio_get inotify_init inotify_add_watch
  inotify_rm_watch mbind get_mempolicy set_mempolicy openat mkdirat mknodat fchownat futimesat fstatat64 unlinkat
  renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll unshare set_robust_list get_robust_list
  splice arm_sync_file_range tee vmsplice move_pages getcpu epoll_pwait kexec_load utimensat signalfd
  timerfd_create eventfd fallocate timerfd_settime timerfd_gettime signalfd4 eventfd2 epoll_create1 dup3 pipe2
  inotify_init1 preadv pwritev rt_tgsigqueueinfo perf_event_open recvmmsg accept4 fanotify_init fanotify_mark
  prlimit64 name_to_handle_at open_by_handle_at clock_adjtime syncfs sendmmsg setns process_vm_readv
  process_vm_writev kcmp finit_module sched_setattr sched_getattr renameat2 seccomp getrandom memfd_create bpf
  execveat userfaultfd membarrier mlock2 copy_file_range preadv2 pwritev2 pkey_mprotect pkey_alloc pkey_free statx
  rseq io_pgetevents migrate_pages kexec_file_load - clock_gettime64 clock_settime64 clock_adjtime64
  clock_getres_time64 clock_nanosleep_time64 timer_gettime64 timer_settime64 timerfd_gettime64 timerfd_settime64
  utimensat_time64 pselect6_time64 ppoll_time64 - io_pgetevents_time64 recvmmsg_time64 mq_timedsend_time64
  mq_timedreceive_time64 semtimedop_time64 rt_sigtimedwait_time64 futex_time64 sched_rr_get_interval_time64`;

const ARM_NR_BASE = 0x0f0000;
const ARM_EXTRA = [
  ['breakpoint', ARM_NR_BASE + 1],
  ['cacheflush', ARM_NR_BASE + 2],
  ['usr26', ARM_NR_BASE + 3],
  ['usr32', ARM_NR_BASE + 4],
  ['set_tls', ARM_NR_BASE + 5],
  ['get_tls', ARM_NR_BASE + 6],
];

function parseDefines(text, pattern) {
  const out = [];
  for (const m of text.matchAll(pattern)) out.push([m[1], Number(m[2])]);
  return out;
}

function x86Tables() {
  const dir = join(INCLUDE, 'x86_64-linux-gnu/asm');
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  return {
    x86_64: parseDefines(read('unistd_64.h'), /^#define __NR_(\w+) (\d+)$/gm),
    x32: parseDefines(read('unistd_x32.h'), /^#define __NR_(\w+) \(__X32_SYSCALL_BIT \+ (\d+)\)$/gm).map(
      ([name, nr]) => [name, nr + X32_SYSCALL_BIT],
    ),
    x86: parseDefines(read('unistd_32.h'), /^#define __NR_(\w+) (\d+)$/gm),
  };
}

/** asm-generic/unistd.h as arm64's uapi asm/unistd.h includes it. */
function aarch64Table() {
  const wants = ['RENAMEAT', 'NEW_STAT', 'SET_GET_RLIMIT', 'TIME32_SYSCALLS', 'SYS_CLONE3', 'MEMFD_SECRET'];
  const defines = execFileSync(
    'cpp',
    ['-dM', '-D__BITS_PER_LONG=64', ...wants.map((w) => `-D__ARCH_WANT_${w}`), join(INCLUDE, 'asm-generic/unistd.h')],
    { encoding: 'utf8' },
  );
  const raw = new Map();
  for (const m of defines.matchAll(/^#define (__NR3264_\w+|__NR_\w+) (\w+)$/gm)) raw.set(m[1], m[2]);
  const out = [];
  for (const [macro, value] of raw) {
    // __NR_arch_specific_syscall marks where arch-private numbers start: not a syscall.
    if (!macro.startsWith('__NR_') || macro === '__NR_syscalls' || macro === '__NR_arch_specific_syscall') continue;
    const nr = /^\d+$/.test(value) ? Number(value) : Number(raw.get(value));
    if (!Number.isInteger(nr)) throw new Error(`cannot resolve ${macro} = ${value}`);
    out.push([macro.slice('__NR_'.length), nr]);
  }
  return out;
}

function armTable() {
  const out = [];
  ARM_EABI.split(/\s+/)
    .filter(Boolean)
    .forEach((name, nr) => {
      if (name !== '-') out.push([name, nr]);
    });
  const last = out.at(-1)[1];
  if (last !== 423) throw new Error(`ARM EABI list ends at ${last}, expected 423`);
  // No memfd_secret on ARM (as libseccomp has it).
  return [...out, ...COMMON_FROM_424.filter(([name]) => name !== 'memfd_secret'), ...ARM_EXTRA];
}

function merge(arch, base, extra) {
  const byName = new Map(base);
  for (const [name, nr] of extra) {
    const known = byName.get(name);
    if (known !== undefined && known !== nr) throw new Error(`${arch}: ${name} is ${known} in the headers, not ${nr}`);
    byName.set(name, nr);
  }
  return [...byName].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
}

const x86 = x86Tables();
const tables = {
  x86_64: merge('x86_64', x86.x86_64, NEWER.x86_64),
  x32: merge('x32', x86.x32, NEWER.x32),
  x86: merge('x86', x86.x86, NEWER.x86),
  aarch64: merge('aarch64', aarch64Table(), NEWER.aarch64),
  arm: merge('arm', armTable(), []),
};

// What libseccomp knows: the names of the other architectures (a profile may
// list them: they are skipped here, as libseccomp skips them), and a cross-check.
const libseccomp = JSON.parse(
  execFileSync('python3', [join(dirname(fileURLToPath(import.meta.url)), 'libseccomp-names.py')], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }),
);
const ours = new Set(Object.values(tables).flatMap((t) => t.map(([name]) => name)));
const otherNames = [...new Set(Object.values(libseccomp).flatMap((t) => Object.keys(t)))]
  .filter((name) => !ours.has(name))
  .sort();
for (const [arch, entries] of Object.entries(tables)) {
  const theirs = libseccomp[arch] ?? {};
  const mine = Object.fromEntries(entries);
  for (const name of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
    if (theirs[name] !== mine[name])
      console.log(`${arch}: ${name} is ${mine[name]} here, ${theirs[name]} in libseccomp`);
  }
}

const hex = (nr) => (nr >= 0x10000 ? `0x${nr.toString(16)}` : String(nr));
let text = `// Generated by scripts/generate-syscall-tables.mjs: do not edit.
// Syscall names and numbers from this machine's kernel headers (linux-libc-dev),
// syscalls added up to Linux 6.18, and the EABI ARM table (see the script).
// x32 numbers include __X32_SYSCALL_BIT (0x40000000), as seccomp_data.nr does.

/** The architectures a filter has syscall tables for, named as libseccomp names them (lower case). */
export type TableArch = 'x86_64' | 'x32' | 'x86' | 'aarch64' | 'arm';

export const SYSCALL_TABLES: Readonly<Record<TableArch, Readonly<Record<string, number>>>> = {
`;
for (const [arch, entries] of Object.entries(tables)) {
  text += `  ${arch}: {\n`;
  for (const [name, nr] of entries) text += `    ${name}: ${hex(nr)},\n`;
  text += '  },\n';
}
text += '};\n';
text += `
/** Syscall names of architectures without tables here (libseccomp 2.5's): known, and skipped. */
export const OTHER_ARCH_SYSCALL_NAMES: readonly string[] = [
${otherNames.map((n) => `  '${n}',`).join('\n')}
];
`;

const out = join(dirname(fileURLToPath(import.meta.url)), '../src/syscall-tables.ts');
writeFileSync(out, text);
for (const [arch, entries] of Object.entries(tables)) console.log(`${arch}: ${entries.length} syscalls`);
