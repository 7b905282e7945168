/*
 * One reaper thread for the whole process: it waits with epoll on the pidfd
 * and the error pipe of every spawned child, reaps each child with
 * waitid(P_PIDFD), reads each error pipe to its end, and writes one event per
 * outcome to a pipe that Node reads as a stream. No thread per child, and the
 * event loop never blocks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gc_exec.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

enum { GC_WATCH_PIDFD = 0, GC_WATCH_ERRPIPE = 1 };
enum { GC_EVENT_EXITED = 0, GC_EVENT_STARTED = 1, GC_EVENT_FAILED = 2 };

struct gc_watch {
	int fd;
	int kind;
	uint64_t token;
};

/* EXITED: a = pid, b = si_code, c = si_status (or -errno of waitid).
   STARTED: the error pipe closed empty. FAILED: a = op index, b = errno. */
struct gc_event {
	uint64_t token;
	int32_t a, b, c;
	int32_t kind;
};

_Static_assert(sizeof(struct gc_event) == 24, "event size");

static pthread_once_t gc_reaper_once = PTHREAD_ONCE_INIT;
static int gc_reaper_error;
static int gc_epoll_fd = -1;
static int gc_events[2] = { -1, -1 };

static void gc_reap(struct gc_watch *w, struct gc_event *ev)
{
	siginfo_t si = { 0 };

	ev->kind = GC_EVENT_EXITED;
	if (waitid((idtype_t)P_PIDFD, (id_t)w->fd, &si, WEXITED) < 0) {
		ev->c = -errno;
	} else {
		ev->a = si.si_pid;
		ev->b = si.si_code;
		ev->c = si.si_status;
	}
}

static void gc_read_errpipe(struct gc_watch *w, struct gc_event *ev)
{
	uint32_t rec[2];
	ssize_t n;

	do
		n = read(w->fd, rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(rec)) {
		ev->kind = GC_EVENT_FAILED;
		ev->a = (int32_t)rec[0];
		ev->b = (int32_t)rec[1];
	} else {
		/* EOF: the exec closed the CLOEXEC pipe. A short read cannot happen: the record is written at once. */
		ev->kind = GC_EVENT_STARTED;
	}
}

static void gc_handle(struct gc_watch *w)
{
	struct gc_event ev = { .token = w->token };

	if (w->kind == GC_WATCH_PIDFD)
		gc_reap(w, &ev);
	else
		gc_read_errpipe(w, &ev);
	epoll_ctl(gc_epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
	close(w->fd);
	free(w);
	/* 24 bytes < PIPE_BUF: the write is atomic. */
	while (write(gc_events[1], &ev, sizeof(ev)) < 0 && errno == EINTR)
		;
}

static void *gc_reaper_main(void *arg)
{
	(void)arg;
	struct epoll_event evs[32];
	for (;;) {
		int n = epoll_wait(gc_epoll_fd, evs, 32, -1);
		if (n < 0)
			continue;
		for (int i = 0; i < n; i++)
			gc_handle(evs[i].data.ptr);
	}
	return NULL;
}

static void gc_reaper_init(void)
{
	pthread_t thread;
	pthread_attr_t attr;
	sigset_t all, old;

	gc_epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (gc_epoll_fd < 0 || pipe2(gc_events, O_CLOEXEC) < 0) {
		gc_reaper_error = errno;
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	/* Signals are for Node's threads, never this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	gc_reaper_error = pthread_create(&thread, &attr, gc_reaper_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
}

int gc_reaper_start(void)
{
	pthread_once(&gc_reaper_once, gc_reaper_init);
	return gc_reaper_error ? -gc_reaper_error : gc_events[0];
}

int gc_reaper_watch(int fd, uint64_t token, int kind)
{
	int started = gc_reaper_start();
	if (started < 0)
		return started;

	struct gc_watch *w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	/* A pidfd is duplicated (the caller keeps its own for signals); an error pipe is taken over. */
	w->fd = kind == GC_WATCH_PIDFD ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd;
	w->kind = kind;
	w->token = token;
	if (w->fd < 0) {
		int err = errno;
		free(w);
		return -err;
	}
	/* One-shot: both stay readable after the event, and each is handled once. */
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.ptr = w };
	if (epoll_ctl(gc_epoll_fd, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
		int err = errno;
		close(w->fd);
		free(w);
		return -err;
	}
	return 0;
}

/* Wake Node's pending read of the events with an event for no one (token 0), so that it can stop reading. */
int gc_reaper_wake(void)
{
	struct gc_event ev = { .token = 0 };
	if (gc_events[1] < 0)
		return 0;
	while (write(gc_events[1], &ev, sizeof(ev)) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}
