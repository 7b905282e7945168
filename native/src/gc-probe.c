/*
 * gc-probe: the workload of gocontainer's conformance and escape tests. Each
 * subcommand tries one thing from inside a container and prints "ok" or the
 * errno's name, so a test asserts on what the kernel answered:
 *
 *   gc-probe mount | unshare-user | keyctl | ptrace PID | reboot | raw-socket
 *            | init-module | mknod-block PATH | open-write PATH
 *            | create-tmpfile DIR | io-uring-setup
 *            | mknod-open c|b MAJOR MINOR PATH r|w|rw
 *            | tiocsti TEXT [FD]
 *
 * Static, so that it runs in any root filesystem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int report(long r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "EUNKNOWN");
	return 1;
}

/* Make a device node (it may be there already), then open it: "mknod ERRNO" or the open's answer. */
static int mknod_open(char **a)
{
	mode_t type = a[0][0] == 'b' ? S_IFBLK : S_IFCHR;
	int mode = !strcmp(a[4], "rw") ? O_RDWR : !strcmp(a[4], "w") ? O_WRONLY : O_RDONLY;

	if (mknod(a[3], type | 0600, makedev(atoi(a[1]), atoi(a[2]))) < 0 && errno != EEXIST) {
		printf("mknod ");
		return report(-1);
	}
	return report(open(a[3], mode | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
}

/* Push TEXT (\n: a newline) into the input of fd FD's terminal (default 0), as if typed: "ok" once all went in. */
static int tiocsti(const char *text, int fd)
{
	for (const char *p = text; *p; p++) {
		char c = *p;
		if (c == '\\' && p[1] == 'n') {
			c = '\n';
			p++;
		}
		if (ioctl(fd, TIOCSTI, &c) < 0)
			return report(-1);
	}
	return report(0);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

	if (!strcmp(what, "mount"))
		return report(mount("none", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(what, "unshare-user"))
		return report(unshare(CLONE_NEWUSER));
	if (!strcmp(what, "keyctl"))
		return report(syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "gc-probe"));
	if (!strcmp(what, "ptrace") && arg)
		return report(ptrace(PTRACE_ATTACH, atoi(arg), NULL, NULL));
	if (!strcmp(what, "reboot"))
		/* CAD_OFF only turns Ctrl-Alt-Del off: harmless if it ever got through. */
		return report(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
	if (!strcmp(what, "raw-socket"))
		return report(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
	if (!strcmp(what, "init-module"))
		/* An empty image: a kernel that lets us try answers ENOEXEC or EINVAL. */
		return report(syscall(SYS_init_module, "", 0UL, ""));
	if (!strcmp(what, "mknod-block") && arg)
		return report(mknod(arg, S_IFBLK | 0600, makedev(7, 0)));
	if (!strcmp(what, "open-write") && arg)
		return report(open(arg, O_WRONLY | O_CLOEXEC));
	if (!strcmp(what, "create-tmpfile") && arg)
		/* An unnamed file in DIR: the same write check as a named one, and gone at exit. */
		return report(open(arg, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
	if (!strcmp(what, "io-uring-setup")) {
		struct io_uring_params params;
		memset(&params, 0, sizeof(params));
		return report(syscall(__NR_io_uring_setup, 1, &params));
	}
	if (!strcmp(what, "mknod-open") && argc == 7)
		return mknod_open(argv + 2);
	if (!strcmp(what, "tiocsti") && arg)
		return tiocsti(arg, argc > 3 ? atoi(argv[3]) : 0);
	fprintf(stderr, "usage: gc-probe mount|unshare-user|keyctl|ptrace PID|reboot|raw-socket|init-module|mknod-block PATH"
			"|open-write PATH|create-tmpfile DIR|io-uring-setup|mknod-open c|b MAJOR MINOR PATH r|w|rw|tiocsti TEXT [FD]\n");
	return 2;
}
