/*
 * The child side: runs inside the child of clone() (or in the static helper).
 * Only async-signal-safe code here: raw syscalls, no allocation, no stdio, no
 * locks. The parent is multithreaded, so any lock copied into this process may
 * be held by a thread that no longer exists.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "program.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The kernel's struct sigaction; all zero is SIG_DFL with no flags and an empty mask. */
struct gc_ksigaction {
	unsigned long handler;
	unsigned long flags;
	unsigned long restorer;
	uint64_t mask;
};

void gc_fail(int err_fd, uint32_t op, int err)
{
	struct gc_error_record rec = { .op = op, .err = (uint32_t)err };
	/* A reader gone (a created container's creator exited) must not kill us with SIGPIPE: exit 255 instead. */
	uint64_t pipe_mask = 1ull << (SIGPIPE - 1);
	ssize_t n;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &pipe_mask, NULL, 8);
	do
		n = syscall(SYS_write, err_fd, &rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	syscall(SYS_exit_group, GC_FAIL_EXIT);
	__builtin_unreachable();
}

static int gc_io_all(long nr, int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		long n = syscall(nr, fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void gc_reset_signals(void)
{
	struct gc_ksigaction dfl = { 0 };
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
}

/* A terminating signal ends the program with 128 + its number: see gc_exit_on_signals. */
static void gc_exit_on_signal(int sig)
{
	syscall(SYS_exit_group, 128 + sig);
}

/*
 * While the program runs, the signals that would terminate a process end it
 * (exit 128 + n), also as PID 1 of a new PID namespace, where a signal with
 * the default disposition is dropped: a created container's init waits on
 * its exec fifo for as long as start takes, and `kill ID TERM` must end it
 * (runc's Go init dies of it). A handler is reset by the exec, so the
 * user's process starts with every disposition the default. glibc's
 * sigaction only adds its restorer (x86_64 needs one) to the syscall.
 */
static void gc_exit_on_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = gc_exit_on_signal;
	sigfillset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void gc_unblock_signals(void)
{
	uint64_t empty = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, 8);
}

static void gc_sort(int *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/*
 * Hand over the fd table: every source is first duplicated above the highest
 * target (so that moving one never clobbers another), then dup3()ed onto its
 * target without CLOEXEC. Everything else is closed except the executor's
 * own fds (`own`: the error fd, the sync fd, and on the spawn path the
 * program's memfd and gc-exec's), which move above the targets too and stay
 * CLOEXEC; an own fd of -1 is none. A leaked fd is CVE-2024-21626.
 */
static int gc_apply_fd_table(const struct gc_header *h, const uint8_t *blob, int *const own[], int nown)
{
	int tmp[GC_MAX_FDS];
	int keep[GC_MAX_FDS + 4];
	int base = 3, nkeep = 0;
	const struct gc_fd *fds = (const struct gc_fd *)(blob + h->fds_off);

	for (uint32_t i = 0; i < h->fd_count; i++)
		if (fds[i].target >= base)
			base = fds[i].target + 1;

	for (uint32_t i = 0; i < h->fd_count; i++) {
		tmp[i] = (int)syscall(SYS_fcntl, fds[i].source, F_DUPFD_CLOEXEC, base);
		if (tmp[i] < 0)
			return errno;
	}
	for (int i = 0; i < nown; i++) {
		if (*own[i] < 0)
			continue;
		int fd = (int)syscall(SYS_fcntl, *own[i], F_DUPFD_CLOEXEC, base);
		if (fd < 0)
			return errno;
		*own[i] = fd;
	}
	for (uint32_t i = 0; i < h->fd_count; i++) {
		if (fds[i].target < 0)
			return EBADF;
		if (syscall(SYS_dup3, tmp[i], fds[i].target, 0) < 0)
			return errno;
		keep[nkeep++] = fds[i].target;
	}
	for (int i = 0; i < nown; i++)
		if (*own[i] >= 0)
			keep[nkeep++] = *own[i];
	gc_sort(keep, nkeep);

	unsigned int next = 0;
	for (int i = 0; i < nkeep; i++) {
		if ((unsigned int)keep[i] > next &&
		    syscall(SYS_close_range, next, (unsigned int)keep[i] - 1, 0) < 0)
			return errno;
		next = (unsigned int)keep[i] + 1;
	}
	if (syscall(SYS_close_range, next, ~0u, 0) < 0)
		return errno;
	return 0;
}

static int gc_apply_fds(const struct gc_header *h, const uint8_t *blob, int *err_fd, int *sync_fd)
{
	int *const own[] = { err_fd, sync_fd };
	return gc_apply_fd_table(h, blob, own, 2);
}

static void gc_relocate(const struct gc_header *h, uint8_t *blob)
{
	uint8_t *arena = blob + h->arena_off;
	const uint32_t *slots = (const uint32_t *)(blob + h->reloc_off);
	for (uint32_t i = 0; i < h->reloc_count; i++) {
		uint64_t *slot = (uint64_t *)(arena + slots[i]);
		*slot += (uint64_t)(uintptr_t)arena;
	}
}

static long gc_arg(const struct gc_arg *a, uint8_t *arena, const int64_t *results, int sync_fd)
{
	switch (a->kind) {
	case GC_ARG_PTR:
		return (long)(uintptr_t)(arena + a->value);
	case GC_ARG_REF:
		return (long)results[a->value];
	case GC_ARG_SYNC_FD:
		return sync_fd;
	default:
		return (long)a->value;
	}
}

/*
 * What execve(2) would say of `path` without running it (runc's LookPath
 * before the exec fifo): 0 for a regular file we may execute, else the errno
 * the exec would fail with.
 */
static int gc_check_exec(const char *path)
{
	struct stat st;
	if (syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0) < 0)
		return errno;
	if (!S_ISREG(st.st_mode))
		return EACCES;
	if (syscall(SYS_faccessat, AT_FDCWD, path, X_OK) < 0)
		return errno;
	return 0;
}

/* One candidate: executed (returns only on failure), or checked (check != 0). */
static int gc_try(const char *path, char *const argv[], char *const envp[], int check)
{
	if (check)
		return gc_check_exec(path);
	syscall(SYS_execve, path, argv, envp);
	return errno;
}

/*
 * execvpe(3) without allocation: returns the errno to report. With `check`,
 * nothing is executed: 0 once a candidate would run (LOOKPATH).
 */
static int gc_execvp(const char *file, char *const argv[], char *const envp[], const char *path, int check)
{
	char buf[4096];
	int eacces = 0;
	size_t flen = strlen(file);

	if (flen == 0)
		return ENOENT;
	if (memchr(file, '/', flen))
		return gc_try(file, argv, envp, check);
	for (const char *p = path ? path : DEFAULT_PATH;; p++) {
		const char *end = p;
		while (*end && *end != ':')
			end++;
		size_t dlen = (size_t)(end - p);
		if (dlen + flen + 2 <= sizeof(buf)) {
			/* An empty entry means the current directory, as in a shell. */
			memcpy(buf, p, dlen);
			size_t at = dlen;
			if (dlen > 0)
				buf[at++] = '/';
			memcpy(buf + at, file, flen + 1);
			int e = gc_try(buf, argv, envp, check);
			if (e == 0)
				return 0;
			switch (e) {
			case EACCES:
				eacces = 1;
				break;
			case ENOENT:
			case ENOTDIR:
			case ESTALE:
			case ENODEV:
			case ETIMEDOUT:
			case ELOOP:
			case ENAMETOOLONG:
				break;
			default:
				return e;
			}
		}
		if (!*end)
			break;
		p = end;
	}
	return eacces ? EACCES : ENOENT;
}

/* In the new child of a RUN op: stdio from the op's fds, nothing else but the report pipe (CLOEXEC). */
static void gc_run_child(const char *path, char *const argv[], char *const envp[], int in, int out, int report)
{
	int err = 0;
	int rep = (int)syscall(SYS_fcntl, report, F_DUPFD_CLOEXEC, 3);
	int tin = in >= 0 ? (int)syscall(SYS_fcntl, in, F_DUPFD_CLOEXEC, 3) : -1;
	int tout = out >= 0 ? (int)syscall(SYS_fcntl, out, F_DUPFD_CLOEXEC, 3) : -1;

	if (rep < 0 || (in >= 0 && tin < 0) || (out >= 0 && tout < 0))
		err = errno;
	else if ((tin >= 0 && syscall(SYS_dup3, tin, 0, 0) < 0) || (tout >= 0 && syscall(SYS_dup3, tout, 1, 0) < 0) ||
		 (tout >= 0 && syscall(SYS_dup3, tout, 2, 0) < 0))
		err = errno;
	else if ((rep > 3 && syscall(SYS_close_range, 3, (unsigned int)rep - 1, 0) < 0) ||
		 syscall(SYS_close_range, (unsigned int)rep + 1, ~0u, 0) < 0)
		err = errno;
	else {
		syscall(SYS_execve, path, argv, envp);
		err = errno;
	}
	if (rep < 0)
		rep = report;
	gc_io_all(SYS_write, rep, &err, sizeof(err));
	syscall(SYS_exit_group, 127);
	__builtin_unreachable();
}

static int64_t gc_now_ms(void)
{
	struct timespec ts;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reap the child of a pidfd; its siginfo's si_code and si_status. */
static void gc_reap(int pidfd, int *code, int *status)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	while (syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL) < 0 && errno == EINTR)
		;
	*code = si.si_code;
	*status = si.si_status;
	syscall(SYS_close, pidfd);
}

/*
 * RUN: start a program and wait for it, killing it once timeout_ms (0: no
 * limit) passed. Returns 0 if it exited 0, else the failure word of
 * program.h (an errno, or GC_RUN_* | code).
 */
static uint32_t gc_run_program(const char *path, char *const argv[], char *const envp[], int in, int out,
			       int64_t timeout_ms)
{
	int report[2], pidfd = -1, code, status, err = 0;

	if (syscall(SYS_pipe2, report, O_CLOEXEC) < 0)
		return (uint32_t)errno;
	/* Zero stack; CLONE_PIDFD stores the pidfd through the parent_tid slot (third on x86_64 and aarch64). */
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_PIDFD | SIGCHLD), 0, &pidfd, 0, 0);
	if (pid == 0)
		gc_run_child(path, argv, envp, in, out, report[1]);
	err = errno;
	syscall(SYS_close, report[1]);
	if (pid < 0) {
		syscall(SYS_close, report[0]);
		return (uint32_t)err;
	}
	/* EOF: the exec succeeded (the pipe is CLOEXEC); 4 bytes: the errno it failed with. */
	err = gc_io_all(SYS_read, report[0], &err, sizeof(err)) == 0 ? err : 0;
	syscall(SYS_close, report[0]);
	if (err) {
		gc_reap(pidfd, &code, &status);
		return (uint32_t)err;
	}

	int64_t deadline = timeout_ms > 0 ? gc_now_ms() + timeout_ms : 0;
	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		struct timespec ts, *tsp = NULL;
		if (deadline) {
			int64_t left = deadline - gc_now_ms();
			if (left < 0)
				left = 0;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000;
			tsp = &ts;
		}
		long n = syscall(SYS_ppoll, &p, 1, tsp, NULL, 8);
		if (n > 0)
			break;
		if (n == 0) {
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			gc_reap(pidfd, &code, &status);
			return GC_RUN_TIMEOUT;
		}
		if (errno != EINTR) {
			err = errno;
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
			gc_reap(pidfd, &code, &status);
			return (uint32_t)err;
		}
	}
	gc_reap(pidfd, &code, &status);
	if (code == CLD_EXITED)
		return status == 0 ? 0 : GC_RUN_EXITED | (uint32_t)(status & 0xff);
	return GC_RUN_SIGNALED | (uint32_t)(status & 0xff);
}

static int gc_tolerated(const struct gc_op *op, int err)
{
	for (int i = 0; i < op->ntol; i++)
		if (op->tol[i] == err)
			return 1;
	return 0;
}

/* A decimal number into buf (at least 12 bytes), without stdio. */
void gc_itoa(int v, char *buf)
{
	char tmp[12];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = 0;
}

static void gc_unrelocate(const struct gc_header *h, uint8_t *blob)
{
	uint8_t *arena = blob + h->arena_off;
	const uint32_t *slots = (const uint32_t *)(blob + h->reloc_off);
	for (uint32_t i = 0; i < h->reloc_count; i++) {
		uint64_t *slot = (uint64_t *)(arena + slots[i]);
		*slot -= (uint64_t)(uintptr_t)arena;
	}
}

/*
 * REEXEC: become the static gc-exec (execveat of `exe_fd`) and go on with
 * op `next` there, so that the process holds nothing of Node from then on
 * (a created container waits for as long as start takes). Done after the id
 * maps of a new user namespace are written: an exec before would run as an
 * unmapped uid and lose every capability. The program goes over in a memfd
 * as it is now (results kept, pointers made offsets again); the fd table is
 * applied already, so the error and sync fds only lose CLOEXEC, and gc-exec
 * closes the memfd once read.
 */
static void gc_reexec_op(const struct gc_header *h, uint8_t *blob, uint32_t next, int err_fd, int sync_fd, int exe_fd)
{
	int mfd = (int)syscall(SYS_memfd_create, "gc-program", 0);
	if (mfd < 0)
		gc_fail(err_fd, next - 1, errno);
	gc_unrelocate(h, blob);
	for (size_t off = 0; off < h->total_len;) {
		long n = syscall(SYS_write, mfd, blob + off, h->total_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			gc_fail(err_fd, next - 1, n < 0 ? errno : EIO);
		off += (size_t)n;
	}
	if (syscall(SYS_lseek, mfd, 0, SEEK_SET) < 0 || syscall(SYS_fcntl, err_fd, F_SETFD, 0) < 0 ||
	    (sync_fd >= 0 && syscall(SYS_fcntl, sync_fd, F_SETFD, 0) < 0))
		gc_fail(err_fd, next - 1, errno);
	char a_next[12], a_prog[12], a_err[12], a_sync[12];
	gc_itoa((int)next, a_next);
	gc_itoa(mfd, a_prog);
	gc_itoa(err_fd, a_err);
	gc_itoa(sync_fd < 0 ? 0 : sync_fd, a_sync);
	char name[] = "gc-exec", resume[] = "--resume";
	char *argv[] = { name, resume, a_next, a_prog, a_err, sync_fd < 0 ? NULL : a_sync, NULL };
	char *envp[] = { NULL };
	syscall(SYS_execveat, exe_fd, "", argv, envp, AT_EMPTY_PATH);
	gc_fail(err_fd, next - 1, errno);
}

static void gc_execute_from(uint8_t *blob, int err_fd, int sync_fd, uint32_t start) __attribute__((noreturn));

/* Set once this process is the static gc-exec: a REEXEC op then has nothing to do. */
static int gc_in_helper;

void gc_execute(uint8_t *blob, int err_fd, int sync_fd)
{
	const struct gc_header *h = (const struct gc_header *)blob;
	int err;

	gc_reset_signals();
	gc_exit_on_signals();
	err = gc_apply_fds(h, blob, &err_fd, &sync_fd);
	if (err)
		gc_fail(err_fd, GC_PROLOGUE_OP, err);
	gc_unblock_signals();
	gc_execute_from(blob, err_fd, sync_fd, 0);
}

/* After a REEXEC: the fd table and signal mask are as the op left them; the handlers are back to defaults. */
void gc_resume(uint8_t *blob, int err_fd, int sync_fd, uint32_t start)
{
	/* Its own CLOEXEC again, as gc_apply_fds left it. */
	syscall(SYS_fcntl, err_fd, F_SETFD, FD_CLOEXEC);
	if (sync_fd >= 0)
		syscall(SYS_fcntl, sync_fd, F_SETFD, FD_CLOEXEC);
	gc_exit_on_signals();
	/* Empty already after a REEXEC; all blocked when gc_spawn_child exec'd us. */
	gc_unblock_signals();
	gc_execute_from(blob, err_fd, sync_fd, start);
}

/*
 * The child of gc_spawn's exec path: it shares the caller's memory
 * (CLONE_VM | CLONE_VFORK, on a stack of its own) until its exec, so it only
 * makes raw syscalls on its stack and reads the caller's copy of the
 * program, which no other thread touches. Every disposition back to the
 * default (a signal, still blocked, must never run one of Node's handlers
 * here), the fd table applied, then the static gc-exec exec'd by its fd,
 * handed the program in a memfd (`c->prog_fd`) to run from its first op
 * with the signals unblocked (gc_resume). The error pipe says what failed.
 */
void gc_spawn_child(const struct gc_spawn_call *c)
{
	const struct gc_header *h = (const struct gc_header *)c->blob;
	int err_fd = c->err_fd, sync_fd = c->sync_fd, prog_fd = c->prog_fd, exe_fd = c->exe_fd;
	int *const own[] = { &err_fd, &sync_fd, &prog_fd, &exe_fd };
	char a_prog[12], a_err[12], a_sync[12];
	char name[] = "gc-exec", resume[] = "--resume", zero[] = "0";
	char *argv[] = { name, resume, zero, a_prog, a_err, a_sync, NULL };
	char *envp[] = { NULL };

	gc_reset_signals();
	int err = gc_apply_fd_table(h, c->blob, own, 4);
	if (err)
		gc_fail(err_fd, GC_PROLOGUE_OP, err);
	/* gc-exec's own fds survive its exec; it makes them CLOEXEC again. An ELF runs from a CLOEXEC fd. */
	if (syscall(SYS_fcntl, err_fd, F_SETFD, 0) < 0 || syscall(SYS_fcntl, sync_fd, F_SETFD, 0) < 0 ||
	    syscall(SYS_fcntl, prog_fd, F_SETFD, 0) < 0)
		gc_fail(err_fd, GC_PROLOGUE_OP, errno);
	gc_itoa(prog_fd, a_prog);
	gc_itoa(err_fd, a_err);
	gc_itoa(sync_fd, a_sync);
	syscall(SYS_execveat, exe_fd, "", argv, envp, AT_EMPTY_PATH);
	gc_fail(err_fd, GC_PROLOGUE_OP, errno);
}

static void gc_execute_from(uint8_t *blob, int err_fd, int sync_fd, uint32_t start)
{
	const struct gc_header *h = (const struct gc_header *)blob;
	uint8_t *arena = blob + h->arena_off;
	int64_t *results = (int64_t *)(blob + h->results_off);
	int err;

	gc_relocate(h, blob);

	for (uint32_t i = start; i < h->op_count; i++) {
		const struct gc_op *op = (const struct gc_op *)(blob + h->ops_off + (size_t)i * GC_OP_SIZE);
		long a[GC_MAX_ARGS];
		long r = 0;

		for (int j = 0; j < GC_MAX_ARGS; j++)
			a[j] = gc_arg(&op->args[j], arena, results, sync_fd);

		switch (op->kind) {
		case GC_OP_SYSCALL:
			r = syscall(op->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			if (r == -1) {
				if (!gc_tolerated(op, errno))
					gc_fail(err_fd, i, errno);
				r = -errno;
			}
			break;
		case GC_OP_WAIT: {
			int64_t v;
			err = gc_io_all(SYS_read, sync_fd, &v, sizeof(v));
			if (err)
				gc_fail(err_fd, i, err);
			if (v < 0)
				gc_fail(err_fd, i, (int)-v);
			r = (long)v;
			break;
		}
		case GC_OP_NOTIFY: {
			struct gc_notify_record rec = { .op = i, .zero = 0, .value = a[0] };
			err = gc_io_all(SYS_write, sync_fd, &rec, sizeof(rec));
			if (err)
				gc_fail(err_fd, i, err);
			break;
		}
		case GC_OP_FORK: {
			/*
			 * The grandchild waits at a gate until its parent has written
			 * the record of its pid (the parent's exit closes the gate):
			 * otherwise a parent preempted after the clone lets a record of
			 * the grandchild's own reach the sync socket first.
			 */
			int gate[2];
			if (syscall(SYS_pipe2, gate, O_CLOEXEC) < 0)
				gc_fail(err_fd, i, errno);
			/* Zero stack and tid pointers: the same argument order on x86_64 and aarch64. */
			long pid = syscall(SYS_clone, (unsigned long)a[0] | SIGCHLD, 0, 0, 0, 0);
			if (pid < 0)
				gc_fail(err_fd, i, errno);
			if (pid > 0) {
				syscall(SYS_close, gate[0]);
				struct gc_notify_record rec = { .op = i, .zero = 0, .value = pid };
				err = gc_io_all(SYS_write, sync_fd, &rec, sizeof(rec));
				syscall(SYS_exit_group, err ? GC_FAIL_EXIT : 0);
			}
			syscall(SYS_close, gate[1]);
			char byte;
			long n;
			do
				n = syscall(SYS_read, gate[0], &byte, 1);
			while (n < 0 && errno == EINTR);
			syscall(SYS_close, gate[0]);
			break;
		}
		case GC_OP_EXECVP:
			gc_fail(err_fd, i, gc_execvp((const char *)a[0], (char *const *)a[1], (char *const *)a[2], (const char *)a[3], 0));
			break;
		case GC_OP_LOOKPATH:
			err = gc_execvp((const char *)a[0], NULL, NULL, (const char *)a[1], 1);
			if (err)
				gc_fail(err_fd, i, err);
			break;
		case GC_OP_RUN: {
			uint32_t why = gc_run_program((const char *)a[0], (char *const *)a[1], (char *const *)a[2], (int)a[3],
						      (int)a[4], (int64_t)a[5]);
			if (why)
				gc_fail(err_fd, i, (int)why);
			break;
		}
		case GC_OP_REEXEC:
			/* Spawned straight into gc-exec (gc_spawn_child): already there. */
			if (gc_in_helper) {
				syscall(SYS_close, a[0]);
				break;
			}
			results[i] = 0;
			gc_reexec_op(h, blob, i + 1, err_fd, sync_fd, (int)a[0]);
			break;
		case GC_OP_STORE: {
			uint8_t *dst = (uint8_t *)a[1];
			uint64_t v = (uint64_t)a[0];
			memcpy(dst, &v, (size_t)a[2]); /* little-endian: the low bytes come first */
			break;
		}
		}
		results[i] = r;
	}
	/* A program that does not end in an exec ends here, successfully. */
	syscall(SYS_exit_group, 0);
	__builtin_unreachable();
}

int gc_run(uint8_t *blob, size_t len, int err_fd, int sync_fd)
{
	gc_in_helper = 1;
	int err = gc_validate(blob, len);
	if (err) {
		struct gc_error_record rec = { .op = GC_PROLOGUE_OP, .err = (uint32_t)err };
		if (write(err_fd, &rec, sizeof(rec)) < 0)
			return -errno;
		return -err;
	}
	gc_execute(blob, err_fd, sync_fd);
}

int gc_run_resume(uint8_t *blob, size_t len, int err_fd, int sync_fd, uint32_t start)
{
	gc_in_helper = 1;
	int err = gc_validate(blob, len);
	if (!err && start > ((const struct gc_header *)blob)->op_count)
		err = EINVAL;
	if (err)
		gc_fail(err_fd, GC_PROLOGUE_OP, err);
	gc_resume(blob, err_fd, sync_fd, start);
	return 255;
}
