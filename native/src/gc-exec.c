/*
 * gc-exec PROGRAM_FD ERR_FD SYNC_FD: run a serialised program in this process.
 * Used where a created container must not hold the Node heap. Static, so that
 * it runs inside any root filesystem.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gc_exec.h"
#include "program.h"

#define GC_EXEC_MAX (8u << 20)

static uint8_t gc_blob[GC_EXEC_MAX] __attribute__((aligned(16)));

static int parse_fd(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return (*s && !*end && v >= -1 && v < 1 << 30) ? (int)v : -2;
}

/* The whole program from fd; 0 on any failure (an empty program is no program). */
static size_t read_program(int prog)
{
	size_t len = 0;
	for (;;) {
		ssize_t n = read(prog, gc_blob + len, GC_EXEC_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == 0)
			return len;
		len += (size_t)n;
		if (len == GC_EXEC_MAX)
			return 0;
	}
}

int main(int argc, char **argv)
{
	static const char usage[] = "usage: gc-exec PROGRAM_FD ERR_FD SYNC_FD | gc-exec --resume OP PROGRAM_FD ERR_FD [SYNC_FD]\n";
	/* After a REEXEC op: the program goes on at OP, its fd table already applied. */
	int resume = argc >= 5 && argc <= 6 && strcmp(argv[1], "--resume") == 0;
	if (resume) {
		int start = parse_fd(argv[2]), prog = parse_fd(argv[3]), err_fd = parse_fd(argv[4]);
		int sync_fd = argc == 6 ? parse_fd(argv[5]) : -1;
		if (start < 0 || prog < 0 || err_fd < 0 || sync_fd < -1)
			return 2;
		size_t len = read_program(prog);
		syscall(SYS_close, prog);
		if (len == 0)
			return 2;
		gc_run_resume(gc_blob, len, err_fd, sync_fd, (uint32_t)start);
		return 255;
	}
	if (argc != 4 || parse_fd(argv[1]) < 0 || parse_fd(argv[2]) < 0 || parse_fd(argv[3]) < -1) {
		if (write(2, usage, sizeof(usage) - 1) < 0)
			return 2;
		return 2;
	}
	int prog = parse_fd(argv[1]);
	size_t len = read_program(prog);
	if (len == 0)
		return 2;
	/* PROGRAM_FD stays open: it may be one of the fds handed over; the prologue closes it otherwise. */
	gc_run(gc_blob, len, parse_fd(argv[2]), parse_fd(argv[3]));
	return 255;
}
