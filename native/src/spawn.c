/* The parent side of the in-process clone path, called by koffi on Node's main thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gc_exec.h"
#include "program.h"

int gc_program_check(const uint8_t *blob, size_t len)
{
	return -gc_validate(blob, len);
}

/*
 * The child of a helper spawn: become the static gc-exec (execveat of
 * helper_fd) with the program in a memfd, so that the container's process
 * holds nothing of Node's heap while it waits (a created container). The fds
 * the program hands over, and the error and sync fds, lose CLOEXEC to
 * survive the exec; gc-exec's prologue then closes everything else.
 */
static void gc_reexec(const uint8_t *blob, size_t len, int err_fd, int sync_fd, int helper_fd)
{
	const struct gc_header *h = (const struct gc_header *)blob;
	const struct gc_fd *fds = (const struct gc_fd *)(blob + h->fds_off);
	int mfd = (int)syscall(SYS_memfd_create, "gc-program", 0);
	if (mfd < 0)
		gc_fail(err_fd, GC_PROLOGUE_OP, errno);
	for (size_t off = 0; off < len;) {
		long n = syscall(SYS_write, mfd, blob + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			gc_fail(err_fd, GC_PROLOGUE_OP, n < 0 ? errno : EIO);
		off += (size_t)n;
	}
	if (syscall(SYS_lseek, mfd, 0, SEEK_SET) < 0)
		gc_fail(err_fd, GC_PROLOGUE_OP, errno);
	for (uint32_t i = 0; i < h->fd_count; i++)
		if (syscall(SYS_fcntl, fds[i].source, F_SETFD, 0) < 0)
			gc_fail(err_fd, GC_PROLOGUE_OP, errno);
	if (syscall(SYS_fcntl, err_fd, F_SETFD, 0) < 0 || syscall(SYS_fcntl, sync_fd, F_SETFD, 0) < 0)
		gc_fail(err_fd, GC_PROLOGUE_OP, errno);
	char a1[12], a2[12], a3[12];
	gc_itoa(mfd, a1);
	gc_itoa(err_fd, a2);
	gc_itoa(sync_fd, a3);
	char name[] = "gc-exec";
	char *argv[] = { name, a1, a2, a3, NULL };
	char *envp[] = { NULL };
	syscall(SYS_execveat, helper_fd, "", argv, envp, AT_EMPTY_PATH);
	gc_fail(err_fd, GC_PROLOGUE_OP, errno);
}

long gc_spawn(const uint8_t *blob, size_t len, uint64_t clone_flags, int cgroup_fd, int helper_fd, int32_t *out)
{
	int err = gc_validate(blob, len);
	if (err)
		return -err;

	/* The child relocates and writes results into its copy: give it an aligned one. */
	void *copy = NULL;
	if (posix_memalign(&copy, 16, len))
		return -ENOMEM;
	memcpy(copy, blob, len);

	int errp[2], sv[2];
	if (pipe2(errp, O_CLOEXEC) < 0) {
		err = errno;
		free(copy);
		return -err;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		err = errno;
		close(errp[0]);
		close(errp[1]);
		free(copy);
		return -err;
	}

	int pidfd = -1;
	struct clone_args args;
	memset(&args, 0, sizeof(args));
	args.flags = clone_flags | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}

	/* No Node or libuv signal handler may run in the child before it resets them. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		if (helper_fd >= 0)
			gc_reexec(copy, len, errp[1], sv[1], helper_fd);
		gc_execute(copy, errp[1], sv[1]);
	}
	err = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	close(errp[1]);
	close(sv[1]);
	free(copy);
	if (pid < 0) {
		close(errp[0]);
		close(sv[0]);
		return -err;
	}
	out[0] = pidfd;
	out[1] = errp[0];
	out[2] = sv[0];
	return pid;
}
