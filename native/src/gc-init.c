/*
 * gc-init [--] CMD [ARGS...]: a minimal init for a container's PID namespace,
 * like tini or docker-init. It runs CMD as its child, forwards the signals it
 * receives to it, reaps every zombie (orphans of the namespace reparent to
 * PID 1), and exits as CMD did: its exit code, or 128 + the signal that
 * killed it. Static, so that it runs inside any root filesystem.
 *
 * Why not handlers: the kernel drops a signal sent to a namespace's init when
 * its disposition is SIG_DFL, but keeps it pending when it is blocked. So
 * every signal stays blocked and a signalfd reads them in one loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* Faults raised by our own code must kill us, not wait in a queue. */
static const int gc_sync_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };

static void gc_blocked_set(sigset_t *set)
{
	sigfillset(set);
	for (size_t i = 0; i < sizeof(gc_sync_signals) / sizeof(gc_sync_signals[0]); i++)
		sigdelset(set, gc_sync_signals[i]);
}

/* In the child: undo what init did (and what our own parent left ignored), then exec. */
static void gc_exec_child(char **argv)
{
	sigset_t none;
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* EINVAL for SIGKILL, SIGSTOP and glibc's own: fine */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	int err = errno;
	dprintf(2, "gc-init: exec %s: %s\n", argv[0], strerror(err));
	/* As a shell reports it: 127 not found, 126 found but not runnable. */
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

static int gc_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* Reap every exited child. Returns 1 once CMD itself was reaped, its status in *status. */
static int gc_reap(pid_t cmd, int *status)
{
	int done = 0;
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid <= 0)
			return done; /* 0: others still run; -1 ECHILD: nobody left */
		if (pid == cmd) {
			*status = st;
			done = 1;
		}
	}
}

int main(int argc, char **argv)
{
	int first = (argc > 1 && strcmp(argv[1], "--") == 0) ? 2 : 1;
	if (first >= argc) {
		dprintf(2, "usage: gc-init [--] CMD [ARGS...]\n");
		return 2;
	}
	/* Outside a PID namespace orphans would go to the real init: take them instead. */
	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	sigset_t blocked;
	gc_blocked_set(&blocked);
	/* Block before the fork, so no signal (SIGCHLD included) slips between fork and signalfd. */
	if (sigprocmask(SIG_BLOCK, &blocked, NULL) < 0) {
		dprintf(2, "gc-init: sigprocmask: %s\n", strerror(errno));
		return 255;
	}
	pid_t cmd = fork();
	if (cmd < 0) {
		dprintf(2, "gc-init: fork: %s\n", strerror(errno));
		return 255;
	}
	if (cmd == 0)
		gc_exec_child(argv + first);

	int sfd = signalfd(-1, &blocked, SFD_CLOEXEC);
	if (sfd < 0) {
		dprintf(2, "gc-init: signalfd: %s\n", strerror(errno));
		kill(cmd, SIGKILL);
		return 255;
	}
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si)) {
			dprintf(2, "gc-init: read signalfd: %s\n", n < 0 ? strerror(errno) : "short read");
			kill(cmd, SIGKILL);
			return 255;
		}
		if (si.ssi_signo == SIGCHLD) {
			int status;
			/* SIGCHLDs coalesce: one may stand for many exits, so reap them all. */
			if (gc_reap(cmd, &status))
				return gc_exit_code(status);
			continue;
		}
		/* ESRCH: CMD exited and its SIGCHLD is next in the queue. */
		kill(cmd, (int)si.ssi_signo);
	}
}
