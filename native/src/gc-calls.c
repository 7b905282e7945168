/*
 * gc-calls.node: the few calls the lifecycle commands make (start, kill,
 * delete: a lock, a pidfd, a signal, a tag), as a Node-API addon. Loading
 * koffi's native module costs more than each of those commands' own work;
 * this file is a few KB with nothing to initialise. @gc/syscall uses it
 * when it loads and goes through koffi otherwise; koffi stays the one
 * general binding.
 *
 * Each function takes integers (and, for getxattr, two strings and a
 * Buffer) and returns the call's result, or -errno: no errno to read back
 * through another call. Written against the Node-API ABI (stable across
 * Node versions, version 1 functions only), declared here, so that the
 * build needs no Node headers: the symbols are the running node's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Both numbers are the same on every architecture (the generic table). */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
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

#define MAX_ARGS 3
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
  return exports;
}

/* The Node-API version this addon is written for (Node reads it; 8 is Node 12.22 and later). */
__attribute__((visibility("default"))) int32_t node_api_module_get_api_version_v1(void) { return 8; }
