/*
 * The only place koffi is imported. Everything is loaded once, lazily, on
 * first use (koffi itself too, ~12 ms): importing @gc/syscall costs nothing
 * on a machine that never calls the kernel (unit tests with FakeKernel,
 * macOS type-checks, `gocontainer --help`).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Koffi from 'koffi';

type Fn = (...args: unknown[]) => unknown;

export interface Libc {
  errno(): number;
  /** The address of a Buffer's bytes (for pointers inside a struct, as bpf(2)'s union bpf_attr holds them). */
  address(buffer: Uint8Array): bigint;
  mount: Fn;
  umount2: Fn;
  close: Fn;
  fcntl: Fn;
  flock: Fn;
  /** pidfd_open(pid, flags). */
  pidfd_open: Fn;
  /** pidfd_send_signal(pidfd, sig), with no siginfo and no flags. */
  pidfd_send_signal: Fn;
  read: Fn;
  write: Fn;
  pipe2: Fn;
  socketpair: Fn;
  socket: Fn;
  connect: Fn;
  prctl: Fn;
  syscall: Fn;
  waitid: Fn;
  posix_openpt: Fn;
  grantpt: Fn;
  unlockpt: Fn;
  ptsname_r: Fn;
  ioctl_buf: Fn;
  isatty: Fn;
  setxattr: Fn;
  getxattr: Fn;
  fsetxattr: Fn;
  lsetxattr: Fn;
  openat: Fn;
  mkdirat: Fn;
  mknodat: Fn;
  memfd_create: Fn;
  symlinkat: Fn;
  linkat: Fn;
  unlinkat: Fn;
  fchownat: Fn;
  fchmodat: Fn;
  utimensat: Fn;
  copy_file_range: Fn;
  gc_spawn: Fn;
  gc_program_check: Fn;
  gc_reaper_start: Fn;
  gc_reaper_watch: Fn;
  gc_reaper_wake: Fn;
  gc_reaper_unwatch: Fn;
  gc_send_fds: Fn;
  gc_recv_fds: Fn;
}

let loaded: Libc | undefined;

/**
 * The calls of native/src/gc-calls.c: each returns its result or -errno. A
 * lifecycle command (start, kill, delete) needs only the first six, `run`
 * and `create` only these, and loading this addon costs a fraction of
 * koffi's native module.
 */
export interface Calls {
  flock(fd: number, operation: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  close(fd: number): number;
  pidfdOpen(pid: number, flags: number): number;
  pidfdSendSignal(pidfd: number, signal: number): number;
  getxattr(path: string, name: string, value: Uint8Array): number;
  /** 1 for a terminal, 0 otherwise. */
  isatty?(fd: number): number;
  openat?(dirfd: number, path: string, flags: number, mode: number): number;
  memfdCreate?(name: string, flags: number): number;
  mknodat?(dirfd: number, path: string, mode: number, dev: bigint): number;
  /** gc_spawn of libgcexec.so, built into the addon. */
  spawn?(blob: Uint8Array, cloneFlags: bigint, cgroupFd: number, exeFd: number, out: Int32Array): number;
  reaperStart?(): number;
  reaperWatch?(fd: number, token: bigint, kind: number): number;
  reaperUnwatch?(token: bigint, kind: number): number;
  reaperWake?(): number;
}

let calls: Calls | null | undefined;

/** The gc-calls addon, loaded on first use; null where it is missing or does not load (koffi does these calls then). */
export function nativeCalls(): Calls | null {
  if (calls !== undefined) return calls;
  calls = null;
  try {
    const load = typeof __filename === 'string' ? require : createRequire(import.meta.url);
    // @gc/native's callsPath, without loading its index (a module load is
    // a good part of what this spares): the addon is in its build/.
    const file = process.env.GC_NATIVE_CALLS ?? join(dirname(load.resolve('@gc/native')), 'build', 'gc-calls.node');
    const mod = { exports: {} as Partial<Calls> };
    process.dlopen(mod, file);
    if (typeof mod.exports.getxattr === 'function') calls = mod.exports as Calls;
  } catch {
    // not built, or another platform: koffi's path
  }
  return calls;
}

export function libc(): Libc {
  loaded ??= load();
  return loaded;
}

/**
 * koffi's own entry costs ~9 ms before its native module is loaded (three
 * modules compiled, the libc of the Node binary read from its ELF headers,
 * package look-ups), ~1 ms after: `gocontainer start`, `kill` and `delete`
 * are timed against `node -e 0` and need a kernel call each. So its native
 * module is loaded directly from where koffi's loader finds it (its
 * `@koromix/koffi-PLATFORM-ARCH` package, beside koffi) when it is the one
 * for glibc and of koffi's version; anything else (musl, another layout, a
 * failure) goes through koffi's entry, as before.
 */
function loadKoffi(load: NodeJS.Require): typeof Koffi {
  try {
    const entry = load.resolve('koffi');
    const dir = dirname(entry);
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    const { platform, arch } = process;
    const native = join(dir, '..', '@koromix', `koffi-${platform}-${arch}`, `${platform}_${arch}`, 'koffi.node');
    if (platform === 'linux' && !isMuslNode() && existsSync(native)) {
      const mod = { exports: {} as { version?: unknown } };
      process.dlopen(mod, native);
      if (mod.exports.version === version) return mod.exports as unknown as typeof Koffi;
    }
  } catch {
    // koffi's entry says what is wrong, if anything is.
  }
  return load('koffi') as typeof Koffi;
}

/**
 * A Node linked against musl (koffi has another native module for it): its
 * ELF interpreter, named in the file's first page, is ld-musl's. koffi reads
 * the program headers for it; the first page is enough to tell.
 */
function isMuslNode(): boolean {
  const fd = openSync(process.execPath, 'r');
  try {
    const page = Buffer.alloc(4096);
    const n = readSync(fd, page, 0, page.length, 0);
    return page.subarray(0, n).includes('/ld-musl-');
  } finally {
    closeSync(fd);
  }
}

type Library = ReturnType<typeof Koffi.load>;

/**
 * A library opened, and each of its functions made, on the first call of
 * one: koffi parses a prototype when it makes the function, and a command
 * such as `gocontainer kill` calls two of these and none of libgcexec's.
 * `called` runs before every call (the errno bookkeeping of `load`).
 */
function lazyLibrary(open: () => Library, called: () => void): { func(prototype: string): Fn } {
  let lib: Library | undefined;
  return {
    func(prototype) {
      let fn: Fn | undefined;
      return (...args) => {
        called();
        if (fn === undefined) {
          lib ??= open();
          fn = lib.func(prototype) as Fn;
        }
        return fn(...args);
      };
    },
  };
}

/**
 * Libc's functions: through the gc-calls addon where it has them, koffi's
 * otherwise, koffi itself loaded on the first call that needs it (`run` and
 * `create` make none). An addon call returns -errno; as a Libc function it
 * returns -1 and leaves the errno for errno(), which answers for the last
 * call made, whichever made it.
 */
function load(): Libc {
  // Bundled into CommonJS (the CLI), the bundle's own require, which keeps
  // what it resolved before; as an ES module, one of its own.
  const load = typeof __filename === 'string' ? require : createRequire(import.meta.url);
  let koffi: typeof Koffi | undefined;
  const k = () => {
    koffi ??= loadKoffi(load);
    return koffi;
  };
  let addonLast = false;
  let addonErrno = 0;
  const viaKoffi = () => {
    addonLast = false;
  };
  const c = lazyLibrary(() => k().load('libc.so.6'), viaKoffi);
  const gc = lazyLibrary(() => k().load((load('@gc/native') as typeof import('@gc/native')).libraryPath), viaKoffi);
  const addon = nativeCalls();
  /** An addon call as a libc one: -1 and errno set on failure. */
  const errnoStyle = <A extends unknown[]>(call: ((...args: A) => number) | undefined, fallback: Fn): Fn =>
    call === undefined
      ? fallback
      : (...args) => {
          const r = call(...(args as A));
          addonLast = true;
          if (r >= 0) return r;
          addonErrno = -r;
          return -1;
        };
  /** An addon call that returns -errno, as libgcexec's do through koffi. */
  const asIs = <A extends unknown[]>(call: ((...args: A) => number) | undefined, fallback: Fn): Fn =>
    call === undefined
      ? fallback
      : (...args) => {
          addonLast = true;
          return call(...(args as A));
        };
  const spawn = addon?.spawn?.bind(addon);
  // Variadic: callers pass ('type', value) pairs after the number.
  const syscall = c.func('long syscall(long nr, ...)');
  return {
    errno: () => (addonLast ? addonErrno : k().errno()),
    address: (buffer: Uint8Array) => k().address(buffer),
    mount: c.func(
      'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
    ),
    umount2: c.func('int umount2(const char *target, int flags)'),
    close: errnoStyle(addon?.close.bind(addon), c.func('int close(int fd)')),
    fcntl: errnoStyle(addon?.fcntl.bind(addon), c.func('int fcntl(int fd, int cmd, int arg)')),
    flock: errnoStyle(addon?.flock.bind(addon), c.func('int flock(int fd, int operation)')),
    // Both numbers are the same on every architecture (the generic table).
    pidfd_open: errnoStyle(addon?.pidfdOpen.bind(addon), (pid, flags) => syscall(434, 'int', pid, 'uint', flags)),
    pidfd_send_signal: errnoStyle(addon?.pidfdSendSignal.bind(addon), (pidfd, sig) =>
      syscall(424, 'int', pidfd, 'int', sig, 'void *', null, 'uint', 0),
    ),
    read: c.func('long read(int fd, _Out_ uint8_t *buf, size_t count)'),
    write: c.func('long write(int fd, const uint8_t *buf, size_t count)'),
    pipe2: c.func('int pipe2(_Out_ int32_t *fds, int flags)'),
    socketpair: c.func('int socketpair(int domain, int type, int protocol, _Out_ int32_t *fds)'),
    socket: c.func('int socket(int domain, int type, int protocol)'),
    connect: c.func('int connect(int fd, const uint8_t *addr, uint32_t len)'),
    prctl: c.func('int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)'),
    syscall,
    waitid: c.func('int waitid(int idtype, uint32_t id, _Out_ uint8_t *info, int options)'),
    posix_openpt: c.func('int posix_openpt(int flags)'),
    grantpt: c.func('int grantpt(int fd)'),
    unlockpt: c.func('int unlockpt(int fd)'),
    ptsname_r: c.func('int ptsname_r(int fd, _Out_ uint8_t *buf, size_t len)'),
    ioctl_buf: c.func('int ioctl(int fd, unsigned long request, _Inout_ uint8_t *arg)'),
    isatty: errnoStyle(addon?.isatty?.bind(addon), c.func('int isatty(int fd)')),
    setxattr: c.func('int setxattr(const char *path, const char *name, const uint8_t *value, size_t size, int flags)'),
    getxattr: errnoStyle(
      addon ? (path: string, name: string, value: Uint8Array) => addon.getxattr(path, name, value) : undefined,
      c.func('long getxattr(const char *path, const char *name, _Out_ uint8_t *value, size_t size)'),
    ),
    fsetxattr: c.func('int fsetxattr(int fd, const char *name, const uint8_t *value, size_t size, int flags)'),
    lsetxattr: c.func(
      'int lsetxattr(const char *path, const char *name, const uint8_t *value, size_t size, int flags)',
    ),
    // openat(3) is variadic for its mode; a fixed prototype passes it in the
    // same register and spares koffi's variadic call, which parses its types
    // on every call (a layer unpack makes one per file).
    openat: errnoStyle(
      addon?.openat?.bind(addon),
      c.func('int openat(int dirfd, const char *path, int flags, uint32_t mode)'),
    ),
    mkdirat: c.func('int mkdirat(int dirfd, const char *path, uint32_t mode)'),
    mknodat: errnoStyle(
      addon?.mknodat?.bind(addon),
      c.func('int mknodat(int dirfd, const char *path, uint32_t mode, uint64_t dev)'),
    ),
    memfd_create: errnoStyle(
      addon?.memfdCreate?.bind(addon),
      c.func('int memfd_create(const char *name, unsigned int flags)'),
    ),
    symlinkat: c.func('int symlinkat(const char *target, int dirfd, const char *path)'),
    linkat: c.func('int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)'),
    unlinkat: c.func('int unlinkat(int dirfd, const char *path, int flags)'),
    fchownat: c.func('int fchownat(int dirfd, const char *path, uint32_t uid, uint32_t gid, int flags)'),
    fchmodat: c.func('int fchmodat(int dirfd, const char *path, uint32_t mode, int flags)'),
    utimensat: c.func('int utimensat(int dirfd, const char *path, const int64_t *times, int flags)'),
    copy_file_range: c.func(
      'long copy_file_range(int fd_in, const int64_t *off_in, int fd_out, int64_t *off_out, size_t len, unsigned int flags)',
    ),
    gc_spawn: asIs(
      spawn &&
        ((blob: Uint8Array, _len: number, flags: bigint, cgroupFd: number, exeFd: number, out: Int32Array) =>
          spawn(blob, flags, cgroupFd, exeFd, out)),
      gc.func(
        'long gc_spawn(const uint8_t *blob, size_t len, uint64_t flags, int cgroup_fd, int exe_fd, _Out_ int32_t *out)',
      ),
    ),
    gc_program_check: gc.func('int gc_program_check(const uint8_t *blob, size_t len)'),
    // The reaper thread lives in the library that started it: all four calls from the same one.
    gc_reaper_start: asIs(addon?.spawn && addon.reaperStart?.bind(addon), gc.func('int gc_reaper_start(void)')),
    gc_reaper_watch: asIs(
      addon?.spawn && addon.reaperWatch?.bind(addon),
      gc.func('int gc_reaper_watch(int fd, uint64_t token, int kind)'),
    ),
    gc_reaper_wake: asIs(addon?.spawn && addon.reaperWake?.bind(addon), gc.func('int gc_reaper_wake(void)')),
    gc_reaper_unwatch: asIs(
      addon?.spawn && addon.reaperUnwatch?.bind(addon),
      gc.func('int gc_reaper_unwatch(uint64_t token, int kind)'),
    ),
    gc_send_fds: gc.func('long gc_send_fds(int sock, const int32_t *fds, int nfds, const uint8_t *data, size_t len)'),
    gc_recv_fds: gc.func(
      'long gc_recv_fds(int sock, _Out_ int32_t *fds, int maxfds, _Out_ uint8_t *data, size_t len, _Out_ int32_t *nfds)',
    ),
  } as Libc;
}
