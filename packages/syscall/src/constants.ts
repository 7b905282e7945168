import type { Arch } from './arch.js';
import { type FlagTable, flagsToString } from './flags.js';

// Kernel UAPI values, identical on x86_64 and aarch64 unless they sit in a
// per-arch object. Values with bit 32 or above are bigints; everything else is
// a number so it ORs with `|`. Bit 31 (CLONE_IO, MS_NOUSER) makes `|` negative:
// combine those with bigints.

// --- clone(2), unshare(2), setns(2): linux/sched.h ---
export const CSIGNAL = 0x000000ff;
export const CLONE_NEWTIME = 0x00000080;
export const CLONE_VM = 0x00000100;
export const CLONE_FS = 0x00000200;
export const CLONE_FILES = 0x00000400;
export const CLONE_SIGHAND = 0x00000800;
export const CLONE_PIDFD = 0x00001000;
export const CLONE_PTRACE = 0x00002000;
export const CLONE_VFORK = 0x00004000;
export const CLONE_PARENT = 0x00008000;
export const CLONE_THREAD = 0x00010000;
export const CLONE_NEWNS = 0x00020000;
export const CLONE_SYSVSEM = 0x00040000;
export const CLONE_SETTLS = 0x00080000;
export const CLONE_PARENT_SETTID = 0x00100000;
export const CLONE_CHILD_CLEARTID = 0x00200000;
export const CLONE_DETACHED = 0x00400000;
export const CLONE_UNTRACED = 0x00800000;
export const CLONE_CHILD_SETTID = 0x01000000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_IO = 0x80000000;
/** clone3 only: above 32 bits. */
export const CLONE_CLEAR_SIGHAND = 0x100000000n;
/** clone3 only: above 32 bits. */
export const CLONE_INTO_CGROUP = 0x200000000n;

/** Every namespace flag, for "which namespaces" questions. */
export const CLONE_NAMESPACE_FLAGS =
  CLONE_NEWNS |
  CLONE_NEWUTS |
  CLONE_NEWIPC |
  CLONE_NEWPID |
  CLONE_NEWNET |
  CLONE_NEWCGROUP |
  CLONE_NEWUSER |
  CLONE_NEWTIME;

export const CLONE_FLAG_NAMES: FlagTable = [
  ['CLONE_NEWNS', CLONE_NEWNS],
  ['CLONE_NEWUTS', CLONE_NEWUTS],
  ['CLONE_NEWIPC', CLONE_NEWIPC],
  ['CLONE_NEWPID', CLONE_NEWPID],
  ['CLONE_NEWNET', CLONE_NEWNET],
  ['CLONE_NEWCGROUP', CLONE_NEWCGROUP],
  ['CLONE_NEWUSER', CLONE_NEWUSER],
  ['CLONE_NEWTIME', CLONE_NEWTIME],
  ['CLONE_VM', CLONE_VM],
  ['CLONE_FS', CLONE_FS],
  ['CLONE_FILES', CLONE_FILES],
  ['CLONE_SIGHAND', CLONE_SIGHAND],
  ['CLONE_PIDFD', CLONE_PIDFD],
  ['CLONE_PTRACE', CLONE_PTRACE],
  ['CLONE_VFORK', CLONE_VFORK],
  ['CLONE_PARENT', CLONE_PARENT],
  ['CLONE_THREAD', CLONE_THREAD],
  ['CLONE_SYSVSEM', CLONE_SYSVSEM],
  ['CLONE_SETTLS', CLONE_SETTLS],
  ['CLONE_PARENT_SETTID', CLONE_PARENT_SETTID],
  ['CLONE_CHILD_CLEARTID', CLONE_CHILD_CLEARTID],
  ['CLONE_DETACHED', CLONE_DETACHED],
  ['CLONE_UNTRACED', CLONE_UNTRACED],
  ['CLONE_CHILD_SETTID', CLONE_CHILD_SETTID],
  ['CLONE_IO', CLONE_IO],
  ['CLONE_CLEAR_SIGHAND', CLONE_CLEAR_SIGHAND],
  ['CLONE_INTO_CGROUP', CLONE_INTO_CGROUP],
];

// --- mount(2), umount2(2): linux/mount.h ---
export const MS_RDONLY = 1;
export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MS_SYNCHRONOUS = 16;
export const MS_REMOUNT = 32;
export const MS_MANDLOCK = 64;
export const MS_DIRSYNC = 128;
export const MS_NOSYMFOLLOW = 256;
export const MS_NOATIME = 1024;
export const MS_NODIRATIME = 2048;
export const MS_BIND = 4096;
export const MS_MOVE = 8192;
export const MS_REC = 16384;
export const MS_SILENT = 32768;
export const MS_POSIXACL = 1 << 16;
export const MS_UNBINDABLE = 1 << 17;
export const MS_PRIVATE = 1 << 18;
export const MS_SLAVE = 1 << 19;
export const MS_SHARED = 1 << 20;
export const MS_RELATIME = 1 << 21;
export const MS_KERNMOUNT = 1 << 22;
export const MS_I_VERSION = 1 << 23;
export const MS_STRICTATIME = 1 << 24;
export const MS_LAZYTIME = 1 << 25;
export const MS_ACTIVE = 1 << 30;
export const MS_NOUSER = 0x80000000;

export const MS_FLAG_NAMES: FlagTable = [
  ['MS_RDONLY', MS_RDONLY],
  ['MS_NOSUID', MS_NOSUID],
  ['MS_NODEV', MS_NODEV],
  ['MS_NOEXEC', MS_NOEXEC],
  ['MS_SYNCHRONOUS', MS_SYNCHRONOUS],
  ['MS_REMOUNT', MS_REMOUNT],
  ['MS_MANDLOCK', MS_MANDLOCK],
  ['MS_DIRSYNC', MS_DIRSYNC],
  ['MS_NOSYMFOLLOW', MS_NOSYMFOLLOW],
  ['MS_NOATIME', MS_NOATIME],
  ['MS_NODIRATIME', MS_NODIRATIME],
  ['MS_BIND', MS_BIND],
  ['MS_MOVE', MS_MOVE],
  ['MS_REC', MS_REC],
  ['MS_SILENT', MS_SILENT],
  ['MS_POSIXACL', MS_POSIXACL],
  ['MS_UNBINDABLE', MS_UNBINDABLE],
  ['MS_PRIVATE', MS_PRIVATE],
  ['MS_SLAVE', MS_SLAVE],
  ['MS_SHARED', MS_SHARED],
  ['MS_RELATIME', MS_RELATIME],
  ['MS_KERNMOUNT', MS_KERNMOUNT],
  ['MS_I_VERSION', MS_I_VERSION],
  ['MS_STRICTATIME', MS_STRICTATIME],
  ['MS_LAZYTIME', MS_LAZYTIME],
  ['MS_ACTIVE', MS_ACTIVE],
  ['MS_NOUSER', MS_NOUSER],
];

export const MNT_FORCE = 1;
export const MNT_DETACH = 2;
export const MNT_EXPIRE = 4;
export const UMOUNT_NOFOLLOW = 8;

export const UMOUNT_FLAG_NAMES: FlagTable = [
  ['MNT_FORCE', MNT_FORCE],
  ['MNT_DETACH', MNT_DETACH],
  ['MNT_EXPIRE', MNT_EXPIRE],
  ['UMOUNT_NOFOLLOW', UMOUNT_NOFOLLOW],
];

// --- open(2) flags: asm-generic/fcntl.h, arch/arm64/include/uapi/asm/fcntl.h ---
export const O_ACCMODE = 0o3;
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_ASYNC = 0o20000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
export const O_SYNC = 0o4010000;
export const O_PATH = 0o10000000;

/** The open flags whose values differ between x86_64 and aarch64. */
export interface ArchOpenFlags {
  readonly O_DIRECT: number;
  readonly O_LARGEFILE: number;
  readonly O_DIRECTORY: number;
  readonly O_NOFOLLOW: number;
  /** `__O_TMPFILE | O_DIRECTORY`. */
  readonly O_TMPFILE: number;
}

export const ARCH_OPEN_FLAGS: Readonly<Record<Arch, ArchOpenFlags>> = {
  x64: {
    O_DIRECT: 0o40000,
    O_LARGEFILE: 0o100000,
    O_DIRECTORY: 0o200000,
    O_NOFOLLOW: 0o400000,
    O_TMPFILE: 0o20000000 | 0o200000,
  },
  arm64: {
    O_DIRECTORY: 0o40000,
    O_NOFOLLOW: 0o100000,
    O_DIRECT: 0o200000,
    O_LARGEFILE: 0o400000,
    O_TMPFILE: 0o20000000 | 0o40000,
  },
};

// The x86_64 values; for programs planned for another arch use ARCH_OPEN_FLAGS[arch].
export const O_DIRECT = ARCH_OPEN_FLAGS.x64.O_DIRECT;
export const O_LARGEFILE = ARCH_OPEN_FLAGS.x64.O_LARGEFILE;
export const O_DIRECTORY = ARCH_OPEN_FLAGS.x64.O_DIRECTORY;
export const O_NOFOLLOW = ARCH_OPEN_FLAGS.x64.O_NOFOLLOW;
export const O_TMPFILE = ARCH_OPEN_FLAGS.x64.O_TMPFILE;

/** Names of the open flags for an arch, without the access mode (see `openFlagsToString`). */
export function openFlagNames(arch: Arch): FlagTable {
  const a = ARCH_OPEN_FLAGS[arch];
  // Composite values first so O_TMPFILE is not read as O_DIRECTORY plus a stray bit.
  return [
    ['O_TMPFILE', a.O_TMPFILE],
    ['O_SYNC', O_SYNC],
    ['O_CREAT', O_CREAT],
    ['O_EXCL', O_EXCL],
    ['O_NOCTTY', O_NOCTTY],
    ['O_TRUNC', O_TRUNC],
    ['O_APPEND', O_APPEND],
    ['O_NONBLOCK', O_NONBLOCK],
    ['O_DSYNC', O_DSYNC],
    ['O_ASYNC', O_ASYNC],
    ['O_DIRECT', a.O_DIRECT],
    ['O_LARGEFILE', a.O_LARGEFILE],
    ['O_DIRECTORY', a.O_DIRECTORY],
    ['O_NOFOLLOW', a.O_NOFOLLOW],
    ['O_NOATIME', O_NOATIME],
    ['O_CLOEXEC', O_CLOEXEC],
    ['O_PATH', O_PATH],
  ];
}

// --- *at(2) flags: linux/fcntl.h ---
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EACCESS = 0x200;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;
export const AT_STATX_SYNC_AS_STAT = 0x0000;
export const AT_STATX_FORCE_SYNC = 0x2000;
export const AT_STATX_DONT_SYNC = 0x4000;
export const AT_RECURSIVE = 0x8000;

// --- openat2(2): linux/openat2.h ---
export const RESOLVE_NO_XDEV = 0x01;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08;
export const RESOLVE_IN_ROOT = 0x10;
export const RESOLVE_CACHED = 0x20;

export const RESOLVE_FLAG_NAMES: FlagTable = [
  ['RESOLVE_NO_XDEV', RESOLVE_NO_XDEV],
  ['RESOLVE_NO_MAGICLINKS', RESOLVE_NO_MAGICLINKS],
  ['RESOLVE_NO_SYMLINKS', RESOLVE_NO_SYMLINKS],
  ['RESOLVE_BENEATH', RESOLVE_BENEATH],
  ['RESOLVE_IN_ROOT', RESOLVE_IN_ROOT],
  ['RESOLVE_CACHED', RESOLVE_CACHED],
];

// --- fcntl(2), close_range(2) ---
export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const FD_CLOEXEC = 1;
export const CLOSE_RANGE_UNSHARE = 1 << 1;
export const CLOSE_RANGE_CLOEXEC = 1 << 2;

// --- flock(2): asm-generic/fcntl.h ---
export const LOCK_SH = 1;
export const LOCK_EX = 2;
/** Fail with EWOULDBLOCK (EAGAIN) instead of waiting for a lock another open file holds. */
export const LOCK_NB = 4;
export const LOCK_UN = 8;

// --- memfd_create(2) and file seals ---
export const MFD_CLOEXEC = 0x0001;
export const MFD_ALLOW_SEALING = 0x0002;
export const MFD_EXEC = 0x0010;
export const F_ADD_SEALS = 1033;
export const F_GET_SEALS = 1034;
export const F_SEAL_SEAL = 0x0001;
export const F_SEAL_SHRINK = 0x0002;
export const F_SEAL_GROW = 0x0004;
export const F_SEAL_WRITE = 0x0008;

// --- new mount API: linux/mount.h ---
export const OPEN_TREE_CLONE = 1;
export const OPEN_TREE_CLOEXEC = O_CLOEXEC;

export const MOVE_MOUNT_F_SYMLINKS = 0x00000001;
export const MOVE_MOUNT_F_AUTOMOUNTS = 0x00000002;
export const MOVE_MOUNT_F_EMPTY_PATH = 0x00000004;
export const MOVE_MOUNT_T_SYMLINKS = 0x00000010;
export const MOVE_MOUNT_T_AUTOMOUNTS = 0x00000020;
export const MOVE_MOUNT_T_EMPTY_PATH = 0x00000040;
export const MOVE_MOUNT_SET_GROUP = 0x00000100;
export const MOVE_MOUNT_BENEATH = 0x00000200;

export const MOVE_MOUNT_FLAG_NAMES: FlagTable = [
  ['MOVE_MOUNT_F_SYMLINKS', MOVE_MOUNT_F_SYMLINKS],
  ['MOVE_MOUNT_F_AUTOMOUNTS', MOVE_MOUNT_F_AUTOMOUNTS],
  ['MOVE_MOUNT_F_EMPTY_PATH', MOVE_MOUNT_F_EMPTY_PATH],
  ['MOVE_MOUNT_T_SYMLINKS', MOVE_MOUNT_T_SYMLINKS],
  ['MOVE_MOUNT_T_AUTOMOUNTS', MOVE_MOUNT_T_AUTOMOUNTS],
  ['MOVE_MOUNT_T_EMPTY_PATH', MOVE_MOUNT_T_EMPTY_PATH],
  ['MOVE_MOUNT_SET_GROUP', MOVE_MOUNT_SET_GROUP],
  ['MOVE_MOUNT_BENEATH', MOVE_MOUNT_BENEATH],
];

export const FSOPEN_CLOEXEC = 0x00000001;
export const FSPICK_CLOEXEC = 0x00000001;
export const FSPICK_SYMLINK_NOFOLLOW = 0x00000002;
export const FSPICK_NO_AUTOMOUNT = 0x00000004;
export const FSPICK_EMPTY_PATH = 0x00000008;
export const FSMOUNT_CLOEXEC = 0x00000001;

export const FSCONFIG_SET_FLAG = 0;
export const FSCONFIG_SET_STRING = 1;
export const FSCONFIG_SET_BINARY = 2;
export const FSCONFIG_SET_PATH = 3;
export const FSCONFIG_SET_PATH_EMPTY = 4;
export const FSCONFIG_SET_FD = 5;
export const FSCONFIG_CMD_CREATE = 6;
export const FSCONFIG_CMD_RECONFIGURE = 7;
export const FSCONFIG_CMD_CREATE_EXCL = 8;

export const FSCONFIG_CMD_NAMES: FlagTable = [
  ['FSCONFIG_SET_FLAG', FSCONFIG_SET_FLAG],
  ['FSCONFIG_SET_STRING', FSCONFIG_SET_STRING],
  ['FSCONFIG_SET_BINARY', FSCONFIG_SET_BINARY],
  ['FSCONFIG_SET_PATH', FSCONFIG_SET_PATH],
  ['FSCONFIG_SET_PATH_EMPTY', FSCONFIG_SET_PATH_EMPTY],
  ['FSCONFIG_SET_FD', FSCONFIG_SET_FD],
  ['FSCONFIG_CMD_CREATE', FSCONFIG_CMD_CREATE],
  ['FSCONFIG_CMD_RECONFIGURE', FSCONFIG_CMD_RECONFIGURE],
  ['FSCONFIG_CMD_CREATE_EXCL', FSCONFIG_CMD_CREATE_EXCL],
];

export const MOUNT_ATTR_RDONLY = 0x00000001;
export const MOUNT_ATTR_NOSUID = 0x00000002;
export const MOUNT_ATTR_NODEV = 0x00000004;
export const MOUNT_ATTR_NOEXEC = 0x00000008;
export const MOUNT_ATTR__ATIME = 0x00000070;
export const MOUNT_ATTR_RELATIME = 0x00000000;
export const MOUNT_ATTR_NOATIME = 0x00000010;
export const MOUNT_ATTR_STRICTATIME = 0x00000020;
export const MOUNT_ATTR_NODIRATIME = 0x00000080;
export const MOUNT_ATTR_IDMAP = 0x00100000;
export const MOUNT_ATTR_NOSYMFOLLOW = 0x00200000;
/** sizeof(struct mount_attr) as mount_setattr(2) expects it. */
export const MOUNT_ATTR_SIZE_VER0 = 32;

export const MOUNT_ATTR_NAMES: FlagTable = [
  ['MOUNT_ATTR_RDONLY', MOUNT_ATTR_RDONLY],
  ['MOUNT_ATTR_NOSUID', MOUNT_ATTR_NOSUID],
  ['MOUNT_ATTR_NODEV', MOUNT_ATTR_NODEV],
  ['MOUNT_ATTR_NOEXEC', MOUNT_ATTR_NOEXEC],
  ['MOUNT_ATTR_NOATIME', MOUNT_ATTR_NOATIME],
  ['MOUNT_ATTR_STRICTATIME', MOUNT_ATTR_STRICTATIME],
  ['MOUNT_ATTR_NODIRATIME', MOUNT_ATTR_NODIRATIME],
  ['MOUNT_ATTR_IDMAP', MOUNT_ATTR_IDMAP],
  ['MOUNT_ATTR_NOSYMFOLLOW', MOUNT_ATTR_NOSYMFOLLOW],
];

/** Flags of open_tree(2): its own and the AT_* ones it accepts. */
export const OPEN_TREE_FLAG_NAMES: FlagTable = [
  ['OPEN_TREE_CLONE', OPEN_TREE_CLONE],
  ['OPEN_TREE_CLOEXEC', OPEN_TREE_CLOEXEC],
  ['AT_SYMLINK_NOFOLLOW', AT_SYMLINK_NOFOLLOW],
  ['AT_NO_AUTOMOUNT', AT_NO_AUTOMOUNT],
  ['AT_EMPTY_PATH', AT_EMPTY_PATH],
  ['AT_RECURSIVE', AT_RECURSIVE],
];

/** AT_* flags as the *at calls that take "flags" read them (unlinkat reads 0x200 as AT_REMOVEDIR). */
export const AT_FLAG_NAMES: FlagTable = [
  ['AT_SYMLINK_NOFOLLOW', AT_SYMLINK_NOFOLLOW],
  ['AT_REMOVEDIR', AT_REMOVEDIR],
  ['AT_SYMLINK_FOLLOW', AT_SYMLINK_FOLLOW],
  ['AT_NO_AUTOMOUNT', AT_NO_AUTOMOUNT],
  ['AT_EMPTY_PATH', AT_EMPTY_PATH],
  ['AT_RECURSIVE', AT_RECURSIVE],
];

// --- prctl(2): linux/prctl.h ---
export const PR_SET_PDEATHSIG = 1;
export const PR_GET_PDEATHSIG = 2;
export const PR_GET_DUMPABLE = 3;
export const PR_SET_DUMPABLE = 4;
export const PR_GET_KEEPCAPS = 7;
export const PR_SET_KEEPCAPS = 8;
export const PR_SET_NAME = 15;
export const PR_GET_NAME = 16;
export const PR_GET_SECCOMP = 21;
export const PR_SET_SECCOMP = 22;
export const PR_CAPBSET_READ = 23;
export const PR_CAPBSET_DROP = 24;
export const PR_GET_SECUREBITS = 27;
export const PR_SET_SECUREBITS = 28;
export const PR_SET_CHILD_SUBREAPER = 36;
export const PR_GET_CHILD_SUBREAPER = 37;
export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_GET_NO_NEW_PRIVS = 39;
export const PR_CAP_AMBIENT = 47;
export const PR_CAP_AMBIENT_IS_SET = 1;
export const PR_CAP_AMBIENT_RAISE = 2;
export const PR_CAP_AMBIENT_LOWER = 3;
export const PR_CAP_AMBIENT_CLEAR_ALL = 4;

export const PR_OPTION_NAMES: FlagTable = [
  ['PR_SET_PDEATHSIG', PR_SET_PDEATHSIG],
  ['PR_GET_PDEATHSIG', PR_GET_PDEATHSIG],
  ['PR_GET_DUMPABLE', PR_GET_DUMPABLE],
  ['PR_SET_DUMPABLE', PR_SET_DUMPABLE],
  ['PR_GET_KEEPCAPS', PR_GET_KEEPCAPS],
  ['PR_SET_KEEPCAPS', PR_SET_KEEPCAPS],
  ['PR_SET_NAME', PR_SET_NAME],
  ['PR_GET_NAME', PR_GET_NAME],
  ['PR_GET_SECCOMP', PR_GET_SECCOMP],
  ['PR_SET_SECCOMP', PR_SET_SECCOMP],
  ['PR_CAPBSET_READ', PR_CAPBSET_READ],
  ['PR_CAPBSET_DROP', PR_CAPBSET_DROP],
  ['PR_GET_SECUREBITS', PR_GET_SECUREBITS],
  ['PR_SET_SECUREBITS', PR_SET_SECUREBITS],
  ['PR_SET_CHILD_SUBREAPER', PR_SET_CHILD_SUBREAPER],
  ['PR_GET_CHILD_SUBREAPER', PR_GET_CHILD_SUBREAPER],
  ['PR_SET_NO_NEW_PRIVS', PR_SET_NO_NEW_PRIVS],
  ['PR_GET_NO_NEW_PRIVS', PR_GET_NO_NEW_PRIVS],
  ['PR_CAP_AMBIENT', PR_CAP_AMBIENT],
];

// --- sockets: linux/net.h, linux/socket.h ---
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = O_NONBLOCK;
export const SOCK_CLOEXEC = O_CLOEXEC;
export const SOL_SOCKET = 1;
/** send(2) flags: do not block; EPIPE instead of SIGPIPE when the peer is gone. */
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
export const SCM_RIGHTS = 1;

export const AF_NAMES: FlagTable = [
  ['AF_UNIX', AF_UNIX],
  ['AF_INET', AF_INET],
  ['AF_INET6', AF_INET6],
  ['AF_NETLINK', AF_NETLINK],
];

export const SOCK_TYPE_NAMES: FlagTable = [
  ['SOCK_STREAM', SOCK_STREAM],
  ['SOCK_DGRAM', SOCK_DGRAM],
  ['SOCK_RAW', SOCK_RAW],
  ['SOCK_SEQPACKET', SOCK_SEQPACKET],
];

export const SOCK_FLAG_NAMES: FlagTable = [
  ['SOCK_NONBLOCK', SOCK_NONBLOCK],
  ['SOCK_CLOEXEC', SOCK_CLOEXEC],
];

// --- ioctl(2): linux/sockios.h, linux/if.h, asm-generic/ioctls.h (x86_64 and arm64 share it) ---
export const SIOCGIFFLAGS = 0x8913;
export const SIOCSIFFLAGS = 0x8914;
/** sizeof(struct ifreq). */
export const IFREQ_SIZE = 40;
export const IFNAMSIZ = 16;
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_RUNNING = 0x40;
export const TIOCSCTTY = 0x540e;
export const TIOCNOTTY = 0x5422;
export const TIOCGWINSZ = 0x5413;
export const TIOCSWINSZ = 0x5414;
export const TIOCGPTN = 0x80045430;
export const TIOCSPTLCK = 0x40045431;
/** Open the slave of a pty master (the master's own devpts, no path lookup): returns the fd. */
export const TIOCGPTPEER = 0x5441;

export const IOCTL_NAMES: FlagTable = [
  ['SIOCGIFFLAGS', SIOCGIFFLAGS],
  ['SIOCSIFFLAGS', SIOCSIFFLAGS],
  ['TIOCSCTTY', TIOCSCTTY],
  ['TIOCNOTTY', TIOCNOTTY],
  ['TIOCGWINSZ', TIOCGWINSZ],
  ['TIOCSWINSZ', TIOCSWINSZ],
  ['TIOCGPTN', TIOCGPTN],
  ['TIOCSPTLCK', TIOCSPTLCK],
  ['TIOCGPTPEER', TIOCGPTPEER],
];

// --- waitid(2) ---
export const P_ALL = 0;
export const P_PID = 1;
export const P_PGID = 2;
export const P_PIDFD = 3;
export const WNOHANG = 0x00000001;
export const WSTOPPED = 0x00000002;
export const WEXITED = 0x00000004;
export const WCONTINUED = 0x00000008;
export const WNOWAIT = 0x01000000;
/** siginfo si_code values for SIGCHLD. */
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;

// --- file modes: linux/stat.h ---
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;

// --- seccomp(2), capget(2) ---
export const SECCOMP_SET_MODE_STRICT = 0;
export const SECCOMP_SET_MODE_FILTER = 1;
export const SECCOMP_FILTER_FLAG_TSYNC = 1 << 0;
export const SECCOMP_FILTER_FLAG_LOG = 1 << 1;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1 << 2;
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3;
export const LINUX_CAPABILITY_VERSION_3 = 0x20080522;

// --- bpf(2): linux/bpf.h ---
export const BPF_PROG_LOAD = 5;
export const BPF_PROG_ATTACH = 8;
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
export const BPF_F_ALLOW_MULTI = 1 << 1;

/** `O_RDWR|O_CREAT|O_CLOEXEC`: the access mode by name, then the flags, as an arch reads them. */
export function openFlagsToString(value: number | bigint, arch: Arch): string {
  const v = BigInt.asUintN(64, BigInt(value));
  const mode = v & BigInt(O_ACCMODE);
  const modeName = mode === 0n ? 'O_RDONLY' : mode === 1n ? 'O_WRONLY' : mode === 2n ? 'O_RDWR' : '0x3';
  const rest = v & ~BigInt(O_ACCMODE);
  return rest === 0n ? modeName : `${modeName}|${flagsToString(rest, openFlagNames(arch))}`;
}
