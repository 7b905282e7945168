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

long gc_spawn(const uint8_t *blob, size_t len, uint64_t clone_flags, int cgroup_fd, int32_t *out)
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
	if (pid == 0)
		gc_execute(copy, errp[1], sv[1]);
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
