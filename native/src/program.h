/* The in-memory view of a serialised program (docs/program-format.md). */
#ifndef GC_PROGRAM_H
#define GC_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#define GC_MAGIC 0x31504347u
#define GC_VERSION 1
#define GC_HEADER_SIZE 64
#define GC_OP_SIZE 128
#define GC_MAX_ARGS 6
#define GC_MAX_TOL 8
#define GC_MAX_FDS 256
#define GC_PROLOGUE_OP 0xffffffffu
#define GC_FAIL_EXIT 255

#if defined(__x86_64__)
#define GC_ARCH 1
#elif defined(__aarch64__)
#define GC_ARCH 2
#else
#error "gocontainer's executor supports x86_64 and aarch64"
#endif

enum gc_op_kind { GC_OP_SYSCALL = 1, GC_OP_WAIT, GC_OP_NOTIFY, GC_OP_FORK, GC_OP_EXECVP, GC_OP_STORE, GC_OP_LOOKPATH, GC_OP_RUN, GC_OP_REEXEC };

/*
 * How a RUN op failed, in the error record's err word: an errno below
 * 0x10000 (pipe2, clone, execve: ENOENT for a missing program), or one of
 * these tags ORed with the exit code or signal number.
 */
#define GC_RUN_EXITED 0x10000u
#define GC_RUN_SIGNALED 0x20000u
#define GC_RUN_TIMEOUT 0x30000u
enum gc_arg_kind { GC_ARG_IMM = 0, GC_ARG_PTR, GC_ARG_REF, GC_ARG_SYNC_FD };

struct gc_header {
	uint32_t magic;
	uint16_t version;
	uint16_t arch;
	uint32_t op_count, ops_off;
	uint32_t fd_count, fds_off;
	uint32_t reloc_count, reloc_off;
	uint32_t results_off, arena_off, arena_len, total_len;
	uint32_t flags;
	uint8_t reserved[12];
};

struct gc_arg {
	uint32_t kind;
	uint32_t reserved;
	int64_t value;
};

struct gc_op {
	uint8_t kind, nargs, ntol, flags;
	uint32_t nr;
	uint32_t label_off, pkg_off;
	struct gc_arg args[GC_MAX_ARGS];
	uint16_t tol[GC_MAX_TOL];
};

struct gc_fd {
	int32_t target, source;
};

struct gc_notify_record {
	uint32_t op;
	uint32_t zero;
	int64_t value;
};

struct gc_error_record {
	uint32_t op;
	uint32_t err;
};

_Static_assert(sizeof(struct gc_header) == GC_HEADER_SIZE, "header size");
_Static_assert(sizeof(struct gc_op) == GC_OP_SIZE, "op size");

/* Returns 0 or a positive errno. Checks bounds, alignment, kinds and refs. */
int gc_validate(const uint8_t *blob, size_t len);

/* A decimal number into buf (at least 12 bytes), without stdio. */
void gc_itoa(int v, char *buf);

/* gc-exec --resume: go on with op `start` of a program a REEXEC op handed over. */
void gc_resume(uint8_t *blob, int err_fd, int sync_fd, uint32_t start) __attribute__((noreturn));
int gc_run_resume(uint8_t *blob, size_t len, int err_fd, int sync_fd, uint32_t start);

/* Report {op, err} on the error pipe and exit (GC_FAIL_EXIT). */
void gc_fail(int err_fd, uint32_t op, int err) __attribute__((noreturn));

/* What gc_spawn hands its exec-path child (see gc_spawn_child). */
struct gc_spawn_call {
	const uint8_t *blob;
	int err_fd, sync_fd, prog_fd, exe_fd;
};

/* The child of gc_spawn's exec path: execs gc-exec; returns never. */
void gc_spawn_child(const struct gc_spawn_call *c) __attribute__((noreturn));

/* Runs the prologue and every op. Returns only on failure, after reporting. */
void gc_execute(uint8_t *blob, int err_fd, int sync_fd) __attribute__((noreturn));

#endif
