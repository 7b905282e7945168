/*
 * gc-monitor: what conmon is to podman, for one detached container. It
 * outlives the CLI that launched it, and for as long as the container exists
 * it is the one that knows the truth about it:
 *
 *   - a child subreaper, so that the container's init, cloned by the starter
 *     with CLONE_PARENT, is its child: it reaps it and has its exit status;
 *   - the container's stdout and stderr are pipes it reads into Docker's
 *     json-file log, one record per line, rotated at --max-size;
 *   - state.json (temp + rename) says what it saw: running, exited, restarting;
 *   - --restart applies Docker's policy with Docker's back-off;
 *   - a `stop-requested` file in the container's directory (made by stop,
 *     kill, rm -f) means the user ended it: no restart after that.
 *
 * TypeScript plans it all: this program is given the container's directory,
 * the log's limits, the policy, and the gocontainer command line it runs
 * with a verb appended (`CMD... __start-container ID`, then after each exit
 * `CMD... __cleanup-container ID`, and with --rm `CMD... __remove-container
 * ID`). The starter reports on fd 3 (`pid N` or `error CODE TEXT`); the first
 * outcome goes on to the launching CLI over --report-fd (`started PID` or
 * `error CODE TEXT`). See packages/engine/src/monitor/.
 *
 * One thread, one poll loop, a signalfd for SIGCHLD, fixed buffers: a few
 * hundred KiB resident.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor-attach.h"

#define GC_LINE_MAX 16384 /* Docker splits a longer line into several records */
#define GC_MSG_MAX 2048
#define GC_BACKOFF_FIRST_MS 100
#define GC_BACKOFF_MAX_MS 60000
#define GC_RESET_AFTER_S 10
#define GC_DRAIN_MS 2000
#define GC_WAIT_ATTACH_MS 30000
#define GC_REPORT_FD 3

enum gc_policy { GC_NO, GC_ON_FAILURE, GC_ALWAYS, GC_UNLESS_STOPPED };

static struct {
	const char *dir, *id, *log;
	long long max_size; /* 0: no rotation */
	int max_file;
	enum gc_policy policy;
	int max_retries; /* on-failure: 0 means no limit */
	int autoremove;
	int tty; /* the container has a pty: its master comes on the console socket */
	int stdin_open; /* -i: its stdin is a pipe the attach clients write to */
	int wait_attach; /* a foreground `run`: its CLI attaches before the first start */
	int report_fd; /* the launching CLI's pipe, -1 once answered */
	char **cmd;
	int ncmd;
} cfg = { .max_file = 1, .report_fd = -1 };

static struct {
	const char *status;
	pid_t pid;
	unsigned long long pid_start;
	int exit_code;
	int oom;
	char error[GC_MSG_MAX];
	char started_at[40];
	char finished_at[40];
	int restart_count;
	int stopped_by_user;
} st = { .status = "created", .started_at = "0001-01-01T00:00:00Z", .finished_at = "0001-01-01T00:00:00Z" };

static unsigned long long monitor_start;
static int sig_fd = -1;

static void gc_die(const char *fmt, ...)
{
	char msg[GC_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cfg.report_fd >= 0)
		dprintf(cfg.report_fd, "error 125 gc-monitor: %s\n", msg);
	dprintf(2, "gc-monitor: %s\n", msg);
	exit(125);
}

/* ---- time, /proc ---- */

static void gc_now(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static double gc_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* /proc/PID/stat field 22, the start time in clock ticks after boot; 0 when gone. */
static unsigned long long gc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* The command name (field 2) is in parentheses and may hold spaces and ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

/* ---- JSON ---- */

/* Append `s` (len bytes) JSON-escaped at out[*at]; out must hold 6 bytes per input byte. */
static void gc_escape(char *out, size_t *at, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[(*at)++] = '\\';
			out[(*at)++] = (char)c;
		} else if (c == '\n') {
			out[(*at)++] = '\\';
			out[(*at)++] = 'n';
		} else if (c == '\r') {
			out[(*at)++] = '\\';
			out[(*at)++] = 'r';
		} else if (c == '\t') {
			out[(*at)++] = '\\';
			out[(*at)++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + *at, "\\u00", 4);
			*at += 4;
			out[(*at)++] = hex[c >> 4];
			out[(*at)++] = hex[c & 15];
		} else {
			out[(*at)++] = (char)c;
		}
	}
}

/* ---- state.json ---- */

static void gc_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void gc_write_state(void)
{
	static char json[GC_MSG_MAX * 6 + 1024];
	static char err[GC_MSG_MAX * 6];
	char pid_start[48] = "";
	size_t at = 0;
	gc_escape(err, &at, st.error, strlen(st.error));
	err[at] = 0;
	if (st.pid)
		snprintf(pid_start, sizeof(pid_start), "\"pidStart\":%llu,", st.pid_start);
	int n = snprintf(json, sizeof(json),
			 "{\"status\":\"%s\",\"pid\":%d,%s\"monitorPid\":%d,\"monitorStart\":%llu,"
			 "\"exitCode\":%d,\"oomKilled\":%s,\"error\":\"%s\",\"startedAt\":\"%s\",\"finishedAt\":\"%s\","
			 "\"restartCount\":%d%s}\n",
			 st.status, (int)st.pid, pid_start, (int)getpid(), monitor_start, st.exit_code,
			 st.oom ? "true" : "false", err, st.started_at, st.finished_at, st.restart_count,
			 st.stopped_by_user ? ",\"stoppedByUser\":true" : "");
	char path[PATH_MAX], temp[PATH_MAX];
	snprintf(path, sizeof(path), "%s/state.json", cfg.dir);
	snprintf(temp, sizeof(temp), "%s/state.json.%d.tmp", cfg.dir, (int)getpid());
	int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return; /* the container's directory is gone: rm removed it */
	gc_write_all(fd, json, (size_t)n);
	close(fd);
	if (rename(temp, path) < 0)
		unlink(temp);
}

/* ---- the json-file log ---- */

static int log_fd = -1;
static long long log_size;

static void gc_log_open(void)
{
	if (!cfg.log)
		return;
	log_fd = open(cfg.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	struct stat sb;
	log_size = (log_fd >= 0 && fstat(log_fd, &sb) == 0) ? (long long)sb.st_size : 0;
}

/* As Docker's json-file: LOG.1 -> LOG.2, ..., LOG -> LOG.1; with one file, start it again. */
static void gc_log_rotate(void)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	if (cfg.max_file > 1) {
		for (int i = cfg.max_file - 1; i >= 1; i--) {
			if (i == 1)
				snprintf(from, sizeof(from), "%s", cfg.log);
			else
				snprintf(from, sizeof(from), "%s.%d", cfg.log, i - 1);
			snprintf(to, sizeof(to), "%s.%d", cfg.log, i);
			rename(from, to); /* ENOENT: not that many files yet */
		}
	} else if (truncate(cfg.log, 0) < 0) {
		unlink(cfg.log);
	}
	gc_log_open();
}

static void gc_log_record(const char *stream, const char *data, size_t len)
{
	static char rec[GC_LINE_MAX * 6 + 128];
	size_t at = 0;
	char now[40];
	if (log_fd < 0 && !cfg.log)
		return;
	at += (size_t)sprintf(rec, "{\"log\":\"");
	gc_escape(rec, &at, data, len);
	gc_now(now, sizeof(now));
	at += (size_t)sprintf(rec + at, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, now);
	/* Docker's check: once the file reached max-size, the next record starts a new one. */
	if (cfg.max_size > 0 && log_size >= cfg.max_size)
		gc_log_rotate();
	if (log_fd < 0)
		return;
	gc_write_all(log_fd, rec, at);
	log_size += (long long)at;
}

struct gc_stream {
	int fd; /* read end of the container's pipe; -1 at its end */
	const char *name;
	int kind; /* the attach frame's: 1 stdout, 2 stderr */
	size_t len;
	char buf[GC_LINE_MAX];
};

static struct gc_stream out_stream = { .fd = -1, .name = "stdout", .kind = 1 };
static struct gc_stream err_stream = { .fd = -1, .name = "stderr", .kind = 2 };
static struct gc_stream tty_stream = { .fd = -1, .name = "stdout", .kind = 1 };

static void gc_stream_feed(struct gc_stream *s, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) + 1 : n;
		size_t room = sizeof(s->buf) - s->len;
		if (take > room)
			take = room;
		memcpy(s->buf + s->len, p, take);
		s->len += take;
		p += take;
		n -= take;
		if (s->buf[s->len - 1] == '\n' || s->len == sizeof(s->buf)) {
			gc_log_record(s->name, s->buf, s->len);
			s->len = 0;
		}
	}
}

/* Read what there is; at the end, the partial last line goes without its \n. */
static void gc_stream_read(struct gc_stream *s)
{
	static char chunk[65536];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	/* A pty master reads EIO once no process holds its slave: the end. */
	if (n <= 0) {
		if (s->len)
			gc_log_record(s->name, s->buf, s->len);
		s->len = 0;
		close(s->fd);
		s->fd = -1;
		return;
	}
	gc_stream_feed(s, chunk, (size_t)n);
	gc_attach_output(s->kind, chunk, (size_t)n);
}

/* ---- children ---- */

/* Exits reaped before we knew whose they were: the init may die before its starter reports it. */
static struct {
	pid_t pid;
	int status;
} early[32];
static int early_next;

static int gc_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static int gc_open_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		gc_die("open /dev/null: %s", strerror(errno));
	return fd;
}

/*
 * Fork `CMD... VERB ID` with the given stdin (else /dev/null), stdout and
 * stderr, `report` as fd 3 (GC_REPORT_FD=3 in its environment) and, given
 * one, the console socket as fd 4 (GC_CONSOLE_FD=4).
 */
static pid_t gc_run(const char *verb, int in, int out, int err, int report, int console)
{
	char *argv[cfg.ncmd + 3];
	for (int i = 0; i < cfg.ncmd; i++)
		argv[i] = cfg.cmd[i];
	argv[cfg.ncmd] = (char *)verb;
	argv[cfg.ncmd + 1] = (char *)cfg.id;
	argv[cfg.ncmd + 2] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		gc_die("fork %s: %s", verb, strerror(errno));
	if (pid > 0)
		return pid;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	int nul = open("/dev/null", O_RDWR);
	/* Above the targets first, so that no dup2 overwrites one still to be moved. */
	int fds[5] = { fcntl(in < 0 ? nul : in, F_DUPFD, 10), fcntl(out < 0 ? nul : out, F_DUPFD, 10),
		       fcntl(err < 0 ? nul : err, F_DUPFD, 10), fcntl(report < 0 ? nul : report, F_DUPFD, 10),
		       fcntl(console < 0 ? nul : console, F_DUPFD, 10) };
	for (int i = 0; i < 5; i++)
		dup2(fds[i], i);
	closefrom(console < 0 ? 4 : 5);
	setenv("GC_REPORT_FD", "3", 1);
	if (console >= 0)
		setenv("GC_CONSOLE_FD", "4", 1);
	execvp(argv[0], argv);
	dprintf(3, "error 125 gc-monitor: exec %s: %s\n", argv[0], strerror(errno));
	_exit(125);
}

/* Run VERB to its end; what it writes on fd 3 comes back in `said`. */
static int gc_run_wait(const char *verb, char *said, size_t len)
{
	int rep[2];
	if (pipe2(rep, O_CLOEXEC) < 0)
		gc_die("pipe: %s", strerror(errno));
	pid_t pid = gc_run(verb, -1, -1, -1, rep[1], -1);
	close(rep[1]);
	size_t have = 0;
	for (;;) {
		ssize_t n = read(rep[0], said + have, len - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		if (have == len - 1)
			break;
	}
	said[have] = 0;
	close(rep[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return gc_exit_code(status);
}

static void gc_report(const char *fmt, ...)
{
	if (cfg.report_fd < 0)
		return;
	char msg[GC_MSG_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gc_write_all(cfg.report_fd, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	close(cfg.report_fd);
	cfg.report_fd = -1;
}

/* `error CODE TEXT` or `pid N`; anything else from a starter that died is a setup failure. */
static int gc_parse_report(const char *line, pid_t *pid, char *error, size_t len)
{
	if (strncmp(line, "pid ", 4) == 0) {
		*pid = (pid_t)strtol(line + 4, NULL, 10);
		if (*pid > 0)
			return 0;
	}
	if (strncmp(line, "error ", 6) == 0) {
		char *rest;
		long code = strtol(line + 6, &rest, 10);
		while (*rest == ' ')
			rest++;
		snprintf(error, len, "%s", rest);
		size_t n = strlen(error);
		while (n > 0 && error[n - 1] == '\n')
			error[--n] = 0;
		return code > 0 && code < 256 ? (int)code : 125;
	}
	snprintf(error, len, "the starter ended without starting the container");
	return 125;
}

/* Every child that ended; the init's status into *init_status. */
static void gc_reap(pid_t starter, int *starter_status, pid_t init, int *init_status)
{
	struct signalfd_siginfo si;
	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid <= 0)
			return;
		if (pid == starter)
			*starter_status = status;
		else if (init > 0 && pid == init)
			*init_status = status;
		else {
			early[early_next].pid = pid;
			early[early_next].status = status;
			early_next = (early_next + 1) % 32;
		}
	}
}

/* The pty master the container sends on the console socket (SCM_RIGHTS); -1 if none came. */
static int gc_recv_master(int sock)
{
	char name[256];
	struct iovec iov = { name, sizeof(name) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/*
 * One life of the container: the starter runs, reports the init's pid (or
 * why it could not start it) and exits; the container runs until its init
 * is reaped and its output is read to the end. Returns the exit code; 0 < code
 * with *started 0 for a start that failed (st.error says why).
 */
static int gc_life(int *started)
{
	int out[2], err[2], rep[2], in[2] = { -1, -1 }, cons[2] = { -1, -1 };
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0)
		gc_die("pipe: %s", strerror(errno));
	if (cfg.stdin_open && !cfg.tty && pipe2(in, O_CLOEXEC) < 0)
		gc_die("pipe: %s", strerror(errno));
	if (cfg.tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cons) < 0)
		gc_die("socketpair: %s", strerror(errno));
	pid_t starter = gc_run("__start-container", in[0], out[1], err[1], rep[1], cons[1]);
	close(out[1]);
	close(err[1]);
	close(rep[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (cons[1] >= 0)
		close(cons[1]);
	int input = in[1]; /* the container's stdin pipe (-i), or its pty master (-t) */
	if (input >= 0)
		fcntl(input, F_SETFL, O_NONBLOCK);
	int console = cons[0];
	out_stream.fd = out[0];
	err_stream.fd = err[0];
	int rep_fd = rep[0];
	char said[GC_MSG_MAX];
	size_t said_len = 0;
	int starter_status = -1, init_status = -1;
	pid_t init = 0;
	int code = 0;
	double ended = 0;
	*started = 0;
	for (;;) {
		if (rep_fd < 0 && starter_status != -1 && init == 0)
			break; /* failed: the starter said why and is gone */
		if (init > 0 && init_status != -1) {
			if (ended == 0)
				ended = gc_mono();
			/* Its output to the end, unless a process that escaped the namespace holds the pipes. */
			if ((out_stream.fd < 0 && err_stream.fd < 0 && tty_stream.fd < 0) ||
			    gc_mono() - ended > GC_DRAIN_MS / 1000.0)
				if (starter_status != -1)
					break;
		}
		struct pollfd p[6 + GC_ATTACH_POLLFDS] = { { sig_fd, POLLIN, 0 },	  { rep_fd, POLLIN, 0 },
							   { out_stream.fd, POLLIN, 0 }, { err_stream.fd, POLLIN, 0 },
							   { console, POLLIN, 0 },	  { tty_stream.fd, POLLIN, 0 } };
		int np = 6 + gc_attach_pollfds(p + 6);
		int r = poll(p, (nfds_t)np, ended ? 100 : -1);
		if (r < 0 && errno != EINTR)
			gc_die("poll: %s", strerror(errno));
		if (p[0].revents)
			gc_reap(starter, &starter_status, init, &init_status);
		if (p[1].revents) {
			ssize_t n = read(rep_fd, said + said_len, sizeof(said) - 1 - said_len);
			if (n > 0)
				said_len += (size_t)n;
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) || said_len == sizeof(said) - 1 ||
			    memchr(said, '\n', said_len)) {
				said[said_len] = 0;
				close(rep_fd);
				rep_fd = -1;
				pid_t pid = 0;
				code = gc_parse_report(said, &pid, st.error, sizeof(st.error));
				if (code == 0) {
					init = pid;
					*started = 1;
					st.status = "running";
					st.pid = init;
					st.pid_start = gc_start_time(init);
					st.error[0] = 0;
					st.exit_code = 0;
					gc_now(st.started_at, sizeof(st.started_at));
					gc_write_state();
					gc_report("started %d\n", (int)init);
					for (int i = 0; i < 32; i++)
						if (early[i].pid == init) {
							init_status = early[i].status;
							early[i].pid = 0;
						}
				}
			}
		}
		if (p[2].revents)
			gc_stream_read(&out_stream);
		if (p[3].revents)
			gc_stream_read(&err_stream);
		if (p[4].revents) {
			int master = gc_recv_master(console);
			close(console);
			console = -1;
			if (master >= 0) {
				tty_stream.fd = master;
				input = dup(master);
				fcntl(input, F_SETFD, FD_CLOEXEC);
				fcntl(input, F_SETFL, O_NONBLOCK);
			}
		}
		if (p[5].revents)
			gc_stream_read(&tty_stream);
		gc_attach_handle(p + 6, &input, cfg.tty ? tty_stream.fd : -1);
	}
	if (console >= 0)
		close(console);
	if (input >= 0)
		close(input);
	if (!*started && code == 0)
		code = 125;
	/* What is left in the pipes, without waiting for an end that may not come. */
	fcntl(out_stream.fd, F_SETFL, O_NONBLOCK);
	fcntl(err_stream.fd, F_SETFL, O_NONBLOCK);
	fcntl(tty_stream.fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 64 && (out_stream.fd >= 0 || err_stream.fd >= 0 || tty_stream.fd >= 0); i++) {
		struct pollfd p[3] = { { out_stream.fd, POLLIN, 0 }, { err_stream.fd, POLLIN, 0 }, { tty_stream.fd, POLLIN, 0 } };
		if (poll(p, 3, 0) <= 0)
			break;
		if (p[0].revents)
			gc_stream_read(&out_stream);
		if (p[1].revents)
			gc_stream_read(&err_stream);
		if (p[2].revents)
			gc_stream_read(&tty_stream);
	}
	struct gc_stream *all[3] = { &out_stream, &err_stream, &tty_stream };
	for (int i = 0; i < 3; i++) {
		struct gc_stream *s = all[i];
		if (s->fd >= 0) {
			if (s->len)
				gc_log_record(s->name, s->buf, s->len);
			s->len = 0;
			close(s->fd);
			s->fd = -1;
		}
	}
	if (*started)
		return gc_exit_code(init_status);
	return code;
}

/* 1 for a stop request (`stop-requested` exists), 2 when it says `restart` (restart's: a --rm container stays). */
static int gc_stop_requested(void)
{
	char path[PATH_MAX], word[8] = "";
	snprintf(path, sizeof(path), "%s/stop-requested", cfg.dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, word, sizeof(word) - 1);
	close(fd);
	return n >= 7 && memcmp(word, "restart", 7) == 0 ? 2 : 1;
}

/* Sleep `ms`, waking to reap and to see a stop request; 1 when one came. */
static int gc_backoff(long ms)
{
	double until = gc_mono() + (double)ms / 1000.0;
	for (;;) {
		if (gc_stop_requested())
			return 1;
		double left = until - gc_mono();
		if (left <= 0)
			return 0;
		struct pollfd p = { sig_fd, POLLIN, 0 };
		int wait = left > 0.1 ? 100 : (int)(left * 1000) + 1;
		if (poll(&p, 1, wait) > 0) {
			int ignored = -1;
			gc_reap(0, &ignored, 0, &ignored);
		}
	}
}

/* Docker's restart manager: should this exit be followed by another start? */
static int gc_should_restart(int code)
{
	if (gc_stop_requested()) {
		st.stopped_by_user = 1;
		return 0;
	}
	switch (cfg.policy) {
	case GC_ALWAYS:
	case GC_UNLESS_STOPPED:
		return 1;
	case GC_ON_FAILURE:
		return code != 0 && (cfg.max_retries == 0 || st.restart_count < cfg.max_retries);
	default:
		return 0;
	}
}

/* ---- command line ---- */

static void gc_usage(const char *why)
{
	dprintf(2,
		"gc-monitor: %s\n"
		"usage: gc-monitor --dir DIR --id ID [--log FILE [--max-size BYTES] [--max-file N]]\n"
		"                  [--restart no|on-failure|always|unless-stopped] [--max-retries N] [--rm]\n"
		"                  [--tty] [--stdin] [--wait-attach]\n"
		"                  [--report-fd FD] -- COMMAND [ARG...]\n",
		why);
	exit(125);
}

static long long gc_number(const char *flag, const char *value, long long min)
{
	char *end;
	errno = 0;
	long long n = strtoll(value, &end, 10);
	if (errno || *end || end == value || n < min) {
		dprintf(2, "gc-monitor: %s: \"%s\" is not an integer of at least %lld\n", flag, value, min);
		exit(125);
	}
	return n;
}

static void gc_parse(int argc, char **argv)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		int flag = strcmp(a, "--rm") == 0 || strcmp(a, "--tty") == 0 || strcmp(a, "--stdin") == 0 ||
			   strcmp(a, "--wait-attach") == 0;
		if (i + 1 >= argc && !flag)
			gc_usage("an option without its value");
		if (strcmp(a, "--dir") == 0)
			cfg.dir = argv[++i];
		else if (strcmp(a, "--id") == 0)
			cfg.id = argv[++i];
		else if (strcmp(a, "--log") == 0)
			cfg.log = argv[++i];
		else if (strcmp(a, "--max-size") == 0)
			cfg.max_size = gc_number(a, argv[++i], 0);
		else if (strcmp(a, "--max-file") == 0)
			cfg.max_file = (int)gc_number(a, argv[++i], 1);
		else if (strcmp(a, "--max-retries") == 0)
			cfg.max_retries = (int)gc_number(a, argv[++i], 0);
		else if (strcmp(a, "--report-fd") == 0)
			cfg.report_fd = (int)gc_number(a, argv[++i], 3);
		else if (strcmp(a, "--rm") == 0)
			cfg.autoremove = 1;
		else if (strcmp(a, "--tty") == 0)
			cfg.tty = 1;
		else if (strcmp(a, "--stdin") == 0)
			cfg.stdin_open = 1;
		else if (strcmp(a, "--wait-attach") == 0)
			cfg.wait_attach = 1;
		else if (strcmp(a, "--restart") == 0) {
			const char *p = argv[++i];
			if (strcmp(p, "no") == 0)
				cfg.policy = GC_NO;
			else if (strcmp(p, "on-failure") == 0)
				cfg.policy = GC_ON_FAILURE;
			else if (strcmp(p, "always") == 0)
				cfg.policy = GC_ALWAYS;
			else if (strcmp(p, "unless-stopped") == 0)
				cfg.policy = GC_UNLESS_STOPPED;
			else
				gc_usage("--restart: expected no, on-failure, always or unless-stopped");
		} else
			gc_usage("unknown option");
	}
	if (!cfg.dir || !cfg.id)
		gc_usage("--dir and --id are required");
	if (i >= argc)
		gc_usage("no command after --");
	cfg.cmd = argv + i;
	cfg.ncmd = argc - i;
	if (cfg.report_fd >= 0)
		fcntl(cfg.report_fd, F_SETFD, FD_CLOEXEC);
}

int main(int argc, char **argv)
{
	gc_parse(argc, argv);
	/* Our stdio is /dev/null from the CLI; make sure fds 0-2 are taken, so that no pipe lands there. */
	for (int fd = gc_open_null(); fd >= 0 && fd <= 2; fd = gc_open_null())
		;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	setsid(); /* EPERM when the CLI made us a session leader already */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		gc_die("prctl PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0)
		gc_die("signalfd: %s", strerror(errno));
	monitor_start = gc_start_time(getpid());
	gc_log_open();
	/* The attach socket's path is relative to the container's directory (sun_path is short). */
	if (chdir(cfg.dir) < 0)
		gc_die("chdir %s: %s", cfg.dir, strerror(errno));
	if (gc_attach_listen() < 0)
		gc_die("listen on %s/attach.sock: %s", cfg.dir, strerror(errno));

	/*
	 * As `docker run` attaches before it starts: no output is lost. A CLI that
	 * died before it connected leaves the container created, not started
	 * with nobody to see it (its record stays, as Docker's "Created" does).
	 */
	if (cfg.wait_attach && !gc_attach_wait(GC_WAIT_ATTACH_MS)) {
		gc_attach_close();
		gc_die("no client on the attach socket within %d s: the container was not started", GC_WAIT_ATTACH_MS / 1000);
	}

	long backoff = 0;
	for (int first = 1;; first = 0) {
		int started;
		double began = gc_mono();
		int code = gc_life(&started);
		gc_attach_exit(code);
		st.status = "exited";
		st.pid = 0;
		st.exit_code = code;
		st.oom = 0;
		gc_now(st.finished_at, sizeof(st.finished_at));
		int again = gc_should_restart(code);
		/* A container removed now needs no cleanup of its own: the removal's sweep does it. */
		int removed = cfg.autoremove && !again && gc_stop_requested() != 2;
		if (started && !removed) {
			char said[256];
			gc_run_wait("__cleanup-container", said, sizeof(said));
			st.oom = strstr(said, "oom 1") != NULL;
		}
		if (first && !started) {
			/* `run -d` fails as `docker run -d` does: the CLI says why and removes the container. */
			gc_attach_close();
			gc_write_state();
			gc_report("error %d %s\n", code, st.error);
			return 0;
		}
		if (!again) {
			gc_write_state();
			break;
		}
		/* Docker's back-off: 100 ms, doubled each time, back to the start after 10 s of running. */
		if (started && gc_mono() - began >= GC_RESET_AFTER_S)
			backoff = 0;
		backoff = backoff == 0 ? GC_BACKOFF_FIRST_MS : backoff * 2;
		if (backoff > GC_BACKOFF_MAX_MS)
			backoff = GC_BACKOFF_MAX_MS;
		st.status = "restarting";
		gc_write_state();
		if (gc_backoff(backoff)) {
			st.status = "exited";
			st.stopped_by_user = 1;
			gc_write_state();
			break;
		}
		st.restart_count++;
	}
	gc_attach_close();
	/* `restart` stops it to start it again: a --rm container is not removed then. */
	if (cfg.autoremove && gc_stop_requested() != 2) {
		char said[256];
		gc_run_wait("__remove-container", said, sizeof(said));
	}
	return 0;
}
