/*
 * gc-calls.node: the calls the commands an engine or a user times make, as
 * a Node-API addon. `start`, `kill` and `delete` need a lock, a pidfd, a
 * signal and a tag; `run` and `create` need a tty check, an open, a memfd,
 * a fifo, the spawn of the executor and the reaper thread (spawn.c and
 * reaper.c, built in here as in libgcexec.so). Loading koffi's native module
 * costs more than any of those commands' own calls; this file is a few KB
 * with nothing to initialise. @gc/syscall uses it when it loads and goes
 * through koffi otherwise; koffi stays the one general binding.
 *
 * Each function takes integers (and strings, BigInts or typed arrays where
 * named) and returns the call's result, or -errno: no errno to read back
 * through another call. Written against the Node-API ABI (stable across
 * Node versions, version 1 functions and BigInts of version 6), declared
 * here, so that the build needs no Node headers: the symbols are the
 * running node's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "gc_exec.h"

/* Both numbers are the same on every architecture (the generic table). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_memfd_create
#define SYS_memfd_create __NR_memfd_create
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

typedef struct napi_env__ *napi_env;
typedef struct napi_value__ *napi_value;
typedef struct napi_callback_info__ *napi_callback_info;
typedef int napi_status; /* napi_ok is 0 */
typedef napi_value (*napi_callback)(napi_env env, napi_callback_info info);

extern napi_status napi_get_cb_info(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv,
                                    napi_value *this_arg, void **data);
extern napi_status napi_get_value_int32(napi_env env, napi_value value, int32_t *result);
extern napi_status napi_create_int32(napi_env env, int32_t value, napi_value *result);
extern napi_status napi_get_value_string_utf8(napi_env env, napi_value value, char *buf, size_t bufsize,
                                              size_t *result);
extern napi_status napi_get_buffer_info(napi_env env, napi_value value, void **data, size_t *length);
extern napi_status napi_create_function(napi_env env, const char *utf8name, size_t length, napi_callback cb,
                                        void *data, napi_value *result);
extern napi_status napi_set_named_property(napi_env env, napi_value object, const char *utf8name,
                                           napi_value value);
extern napi_status napi_throw_type_error(napi_env env, const char *code, const char *msg);
extern napi_status napi_typeof(napi_env env, napi_value value, int *result);
extern napi_status napi_get_value_int64(napi_env env, napi_value value, int64_t *result);
extern napi_status napi_get_value_bigint_uint64(napi_env env, napi_value value, uint64_t *result, bool *lossless);
extern napi_status napi_get_typedarray_info(napi_env env, napi_value typedarray, int *type, size_t *length,
                                            void **data, napi_value *arraybuffer, size_t *byte_offset);

/* napi_valuetype's napi_bigint, napi_typedarray_type's napi_uint8_array and napi_int32_array. */
#define NAPI_BIGINT 9
#define NAPI_UINT8_ARRAY 1
#define NAPI_INT32_ARRAY 5

#define MAX_ARGS 5
/* Paths and attribute names of this many bytes or more get ENAMETOOLONG, as from the kernel (PATH_MAX). */
#define MAX_STRING 4096

/* Reads `n` int32 arguments; false (a TypeError thrown) if one is missing or not a number. */
static int int_args(napi_env env, napi_callback_info info, int32_t *out, size_t n) {
  napi_value argv[MAX_ARGS];
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != 0 || argc < n) {
    napi_throw_type_error(env, NULL, "gc-calls: missing integer arguments");
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    if (napi_get_value_int32(env, argv[i], &out[i]) != 0) {
      napi_throw_type_error(env, NULL, "gc-calls: arguments must be integers");
      return 0;
    }
  }
  return 1;
}

static napi_value result(napi_env env, long r) {
  napi_value out;
  napi_create_int32(env, r < 0 ? -errno : (int32_t)r, &out);
  return out;
}

static napi_value call_flock(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, a, 2)) return NULL;
  return result(env, flock(a[0], a[1]));
}

static napi_value call_fcntl(napi_env env, napi_callback_info info) {
  int32_t a[3];
  if (!int_args(env, info, a, 3)) return NULL;
  return result(env, fcntl(a[0], a[1], a[2]));
}

static napi_value call_close(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!int_args(env, info, a, 1)) return NULL;
  return result(env, close(a[0]));
}

static napi_value call_pidfd_open(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, a, 2)) return NULL;
  return result(env, syscall(SYS_pidfd_open, a[0], (unsigned)a[1]));
}

static napi_value call_pidfd_send_signal(napi_env env, napi_callback_info info) {
  int32_t a[2];
  if (!int_args(env, info, a, 2)) return NULL;
  return result(env, syscall(SYS_pidfd_send_signal, a[0], a[1], NULL, 0U));
}

/* A string argument into buf (MAX_STRING + 1 bytes); 0 with errno ENAMETOOLONG when it is too long. */
static int string_arg(napi_env env, napi_value value, char *buf) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, buf, MAX_STRING + 1, &len) != 0) {
    napi_throw_type_error(env, NULL, "gc-calls: expected a string");
    return -1;
  }
  if (len >= MAX_STRING) {
    errno = ENAMETOOLONG;
    return 0;
  }
  return 1;
}

/* getxattr(path, name, buffer): the value's length, or -errno. */
static napi_value call_getxattr(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  size_t argc = 3;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != 0 || argc < 3) {
    napi_throw_type_error(env, NULL, "gc-calls: getxattr(path, name, buffer)");
    return NULL;
  }
  char path[MAX_STRING + 1], name[MAX_STRING + 1]; /* on the stack: worker threads may call at once */
  void *data = NULL;
  size_t size = 0;
  int ok = string_arg(env, argv[0], path);
  if (ok < 0) return NULL;
  if (ok == 0) return result(env, -1);
  ok = string_arg(env, argv[1], name);
  if (ok < 0) return NULL;
  if (ok == 0) return result(env, -1);
  if (napi_get_buffer_info(env, argv[2], &data, &size) != 0) {
    napi_throw_type_error(env, NULL, "gc-calls: getxattr's third argument must be a Buffer");
    return NULL;
  }
  return result(env, getxattr(path, name, data, size));
}

static napi_value int32_value(napi_env env, int32_t r) {
  napi_value out;
  napi_create_int32(env, r, &out);
  return out;
}

/* All `n` arguments (argv has MAX_ARGS slots); false, a TypeError thrown, if fewer came. */
static int all_args(napi_env env, napi_callback_info info, napi_value *argv, size_t n, const char *usage) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != 0 || argc < n) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  return 1;
}

static int int_arg(napi_env env, napi_value value, int32_t *out) {
  if (napi_get_value_int32(env, value, out) == 0) return 1;
  napi_throw_type_error(env, NULL, "gc-calls: arguments must be integers");
  return 0;
}

/* A uint64 from a BigInt or a (non-negative, safe) integer Number. */
static int u64_arg(napi_env env, napi_value value, uint64_t *out) {
  int type = 0;
  bool lossless = false;
  int64_t n = 0;
  if (napi_typeof(env, value, &type) == 0 && type == NAPI_BIGINT) {
    if (napi_get_value_bigint_uint64(env, value, out, &lossless) == 0 && lossless) return 1;
  } else if (napi_get_value_int64(env, value, &n) == 0 && n >= 0) {
    *out = (uint64_t)n;
    return 1;
  }
  napi_throw_type_error(env, NULL, "gc-calls: expected a uint64 (a BigInt or a non-negative integer)");
  return 0;
}

/* The bytes of a typed array of `type` (and their count of elements). */
static int typed_arg(napi_env env, napi_value value, int type, void **data, size_t *length) {
  int got = -1;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, value, &got, length, data, &buffer, &offset) == 0 && got == type) return 1;
  napi_throw_type_error(env, NULL,
                        type == NAPI_UINT8_ARRAY ? "gc-calls: expected a Uint8Array" : "gc-calls: expected an Int32Array");
  return 0;
}

static napi_value call_isatty(napi_env env, napi_callback_info info) {
  int32_t a[1];
  if (!int_args(env, info, a, 1)) return NULL;
  return int32_value(env, isatty(a[0]) == 1 ? 1 : 0);
}

/* openat(dirfd, path, flags, mode): an fd, or -errno. */
static napi_value call_openat(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t dirfd, flags, mode;
  char path[MAX_STRING + 1];
  if (!all_args(env, info, argv, 4, "gc-calls: openat(dirfd, path, flags, mode)")) return NULL;
  if (!int_arg(env, argv[0], &dirfd) || !int_arg(env, argv[2], &flags) || !int_arg(env, argv[3], &mode)) return NULL;
  int ok = string_arg(env, argv[1], path);
  if (ok < 0) return NULL;
  if (ok == 0) return result(env, -1);
  return result(env, openat(dirfd, path, flags, (mode_t)mode));
}

/* memfd_create(name, flags): an fd, or -errno. */
static napi_value call_memfd_create(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t flags;
  char name[MAX_STRING + 1];
  if (!all_args(env, info, argv, 2, "gc-calls: memfdCreate(name, flags)")) return NULL;
  if (!int_arg(env, argv[1], &flags)) return NULL;
  int ok = string_arg(env, argv[0], name);
  if (ok < 0) return NULL;
  if (ok == 0) return result(env, -1);
  return result(env, syscall(SYS_memfd_create, name, (unsigned)flags));
}

/* mknodat(dirfd, path, mode, dev): 0, or -errno. `dev` as glibc's makedev() packs it. */
static napi_value call_mknodat(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t dirfd, mode;
  uint64_t dev;
  char path[MAX_STRING + 1];
  if (!all_args(env, info, argv, 4, "gc-calls: mknodat(dirfd, path, mode, dev)")) return NULL;
  if (!int_arg(env, argv[0], &dirfd) || !int_arg(env, argv[2], &mode) || !u64_arg(env, argv[3], &dev)) return NULL;
  int ok = string_arg(env, argv[1], path);
  if (ok < 0) return NULL;
  if (ok == 0) return result(env, -1);
  return result(env, mknodat(dirfd, path, (mode_t)mode, (dev_t)dev));
}

/* spawn(blob, cloneFlags, cgroupFd, exeFd, out): gc_spawn's pid, or -errno; out (an Int32Array of 3) its fds. */
static napi_value call_spawn(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  void *blob, *out;
  size_t len, count;
  uint64_t flags;
  int32_t cgroup_fd, exe_fd;
  if (!all_args(env, info, argv, 5, "gc-calls: spawn(blob, cloneFlags, cgroupFd, exeFd, out)")) return NULL;
  if (!typed_arg(env, argv[0], NAPI_UINT8_ARRAY, &blob, &len) || !u64_arg(env, argv[1], &flags) ||
      !int_arg(env, argv[2], &cgroup_fd) || !int_arg(env, argv[3], &exe_fd) ||
      !typed_arg(env, argv[4], NAPI_INT32_ARRAY, &out, &count))
    return NULL;
  if (count < 3) {
    napi_throw_type_error(env, NULL, "gc-calls: spawn's out must hold 3 fds");
    return NULL;
  }
  return int32_value(env, (int32_t)gc_spawn(blob, len, flags, cgroup_fd, exe_fd, out));
}

static napi_value call_reaper_start(napi_env env, napi_callback_info info) {
  (void)info;
  return int32_value(env, gc_reaper_start());
}

static napi_value call_reaper_wake(napi_env env, napi_callback_info info) {
  (void)info;
  return int32_value(env, gc_reaper_wake());
}

/* reaperWatch(fd, token, kind): 0, or -errno. */
static napi_value call_reaper_watch(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t fd, kind;
  uint64_t token;
  if (!all_args(env, info, argv, 3, "gc-calls: reaperWatch(fd, token, kind)")) return NULL;
  if (!int_arg(env, argv[0], &fd) || !u64_arg(env, argv[1], &token) || !int_arg(env, argv[2], &kind)) return NULL;
  return int32_value(env, gc_reaper_watch(fd, token, kind));
}

/* reaperUnwatch(token, kind): 0, or -errno. */
static napi_value call_reaper_unwatch(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  int32_t kind;
  uint64_t token;
  if (!all_args(env, info, argv, 2, "gc-calls: reaperUnwatch(token, kind)")) return NULL;
  if (!u64_arg(env, argv[0], &token) || !int_arg(env, argv[1], &kind)) return NULL;
  return int32_value(env, gc_reaper_unwatch(token, kind));
}

static void export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  if (napi_create_function(env, name, (size_t)-1, cb, NULL, &fn) == 0) napi_set_named_property(env, exports, name, fn);
}

__attribute__((visibility("default"))) napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  export_function(env, exports, "flock", call_flock);
  export_function(env, exports, "fcntl", call_fcntl);
  export_function(env, exports, "close", call_close);
  export_function(env, exports, "pidfdOpen", call_pidfd_open);
  export_function(env, exports, "pidfdSendSignal", call_pidfd_send_signal);
  export_function(env, exports, "getxattr", call_getxattr);
  export_function(env, exports, "isatty", call_isatty);
  export_function(env, exports, "openat", call_openat);
  export_function(env, exports, "memfdCreate", call_memfd_create);
  export_function(env, exports, "mknodat", call_mknodat);
  export_function(env, exports, "spawn", call_spawn);
  export_function(env, exports, "reaperStart", call_reaper_start);
  export_function(env, exports, "reaperWatch", call_reaper_watch);
  export_function(env, exports, "reaperUnwatch", call_reaper_unwatch);
  export_function(env, exports, "reaperWake", call_reaper_wake);
  return exports;
}

/* The Node-API version this addon is written for (Node reads it; 8 is Node 12.22 and later). */
__attribute__((visibility("default"))) int32_t node_api_module_get_api_version_v1(void) { return 8; }
