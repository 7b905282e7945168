/* The parent side of the in-process clone path, called by koffi on Node's main thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gc_exec.h"
#include "program.h"

int gc_program_check(const uint8_t *blob, size_t len)
{
	return -gc_validate(blob, len);
}

/* The exec path's child stack: gc_spawn_child's frames and fd arrays, nothing else. */
#define GC_CHILD_STACK (64u << 10)

#if defined(__x86_64__)
/*
 * clone3 with a stack of the child's own: the child must not return through
 * the caller's frames (it shares the caller's memory, and the caller's stack
 * is still in use once it resumes), so it calls gc_spawn_child(call) straight
 * from here, on its new stack, as glibc's clone() calls its fn. The parent
 * gets the raw result: a pid, or -errno.
 */
static long gc_clone3_call(struct clone_args *args, const struct gc_spawn_call *call)
{
	long ret;
	register const struct gc_spawn_call *arg asm("r12") = call;
	register void (*fn)(const struct gc_spawn_call *) asm("r13") = gc_spawn_child;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r12, %%rdi\n\t"
			 "call *%%r13\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "a"((long)SYS_clone3), "D"(args), "S"(sizeof(*args)), "r"(arg), "r"(fn)
			 : "rcx", "r11", "memory");
	return ret;
}
#else
static long gc_clone3_call(struct clone_args *args, const struct gc_spawn_call *call)
{
	(void)args;
	(void)call;
	return -ENOSYS;
}
#endif

/* The program in a memfd, at offset 0, for gc-exec to read. */
static int gc_program_memfd(const uint8_t *blob, size_t len)
{
	int fd = (int)syscall(SYS_memfd_create, "gc-program", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, blob + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			close(fd);
			return -err;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/*
 * The exec path of gc_spawn (exe_fd >= 0): the child never copies the
 * caller's address space. It is cloned with CLONE_VM | CLONE_VFORK on a
 * small stack (posix_spawn's way), so this thread sleeps until the child
 * has exec'd the static gc-exec (`exe_fd`, a sealed memfd best), which runs
 * the whole program in a process of its own, holding nothing of Node.
 * The other threads run on meanwhile: the child touches only its stack and
 * `copy`. Cloning Node's memory (the other path) costs as much as its page
 * tables are large, and that copy then lives on until the child execs.
 */
static long gc_spawn_exec(void *copy, size_t len, struct clone_args *args, int exe_fd, int errp[2], int sv[2])
{
	int prog = gc_program_memfd(copy, len);
	if (prog < 0)
		return prog;
	void *stack = mmap(NULL, GC_CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		int err = errno;
		close(prog);
		return -err;
	}
	struct gc_spawn_call call = { .blob = copy, .err_fd = errp[1], .sync_fd = sv[1], .prog_fd = prog, .exe_fd = exe_fd };
	args->flags |= CLONE_VM | CLONE_VFORK;
	args->stack = (uint64_t)(uintptr_t)stack;
	args->stack_size = GC_CHILD_STACK;
	long pid = gc_clone3_call(args, &call);
	munmap(stack, GC_CHILD_STACK);
	close(prog);
	return pid;
}

long gc_spawn(const uint8_t *blob, size_t len, uint64_t clone_flags, int cgroup_fd, int exe_fd, int32_t *out)
{
	int err = gc_validate(blob, len);
	if (err)
		return -err;
#if !defined(__x86_64__)
	/* No clone3 trampoline for this architecture yet: the caller falls back to the copying path. */
	if (exe_fd >= 0)
		return -ENOSYS;
#endif

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
	/* clone3 refuses an exit signal with CLONE_PARENT: the child's is then our own parent's choice. */
	args.exit_signal = (clone_flags & CLONE_PARENT) ? 0 : SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}

	/* No Node or libuv signal handler may run in the child before it resets them. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	long pid;
	if (exe_fd >= 0) {
		pid = gc_spawn_exec(copy, len, &args, exe_fd, errp, sv);
		err = pid < 0 ? (int)-pid : 0;
	} else {
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid == 0)
			gc_execute(copy, errp[1], sv[1]);
		err = errno;
	}
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
