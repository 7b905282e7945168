/*
 * One reaper thread for the whole process: it waits with epoll on the pidfd,
 * the error pipe and the sync socket of every spawned child, reaps each child
 * with waitid(P_PIDFD), reads each error pipe to its end, forwards the
 * records a child writes on its sync socket, and writes one event per outcome
 * to a pipe that Node reads as a stream. No thread per child, the event loop
 * never blocks, and Node needs no socket of its own (node:net) to hear a child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gc_exec.h"
#include "program.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

enum { GC_WATCH_PIDFD = 0, GC_WATCH_ERRPIPE = 1, GC_WATCH_SYNC = 2 };
enum { GC_EVENT_EXITED = 0, GC_EVENT_STARTED = 1, GC_EVENT_FAILED = 2, GC_EVENT_NOTIFIED = 3, GC_EVENT_SYNC_CLOSED = 4 };

#define GC_RECORD_SIZE ((size_t)sizeof(struct gc_notify_record))

/*
 * Watches are found by id, under gc_watch_lock, never through a pointer
 * epoll hands back: gc_reaper_unwatch may free one on Node's thread while
 * this thread holds an event for it.
 */
struct gc_watch {
	struct gc_watch *next;
	uint64_t id;
	uint64_t token;
	int fd;
	int kind;
	/* GC_WATCH_SYNC: the bytes of a record not yet whole. */
	size_t have;
	uint8_t partial[GC_RECORD_SIZE];
};

/* EXITED: a = pid, b = si_code, c = si_status (or -errno of waitid).
   STARTED: the error pipe closed empty. FAILED: a = op index, b = errno.
   NOTIFIED: a = op index, b and c = the value's low and high 32 bits.
   SYNC_CLOSED: the sync socket reached its end (no process holds the child's end). */
struct gc_event {
	uint64_t token;
	int32_t a, b, c;
	int32_t kind;
};

_Static_assert(sizeof(struct gc_event) == 24, "event size");
_Static_assert(sizeof(struct gc_notify_record) == 16, "record size");

#define GC_EPOLL_BATCH 32
#define GC_SYNC_RECORDS 16
/*
 * The events of one epoll batch, written once the lock is dropped (a full
 * pipe must not hold it): at most GC_SYNC_RECORDS per watch.
 */
#define GC_BATCH_EVENTS (GC_EPOLL_BATCH * GC_SYNC_RECORDS)

static pthread_once_t gc_reaper_once = PTHREAD_ONCE_INIT;
static int gc_reaper_error;
static int gc_epoll_fd = -1;
static int gc_events[2] = { -1, -1 };
static pthread_mutex_t gc_watch_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gc_watch *gc_watches;
static uint64_t gc_next_id = 1;

struct gc_batch {
	struct gc_event ev[GC_BATCH_EVENTS];
	int n;
};

static void gc_write_events(const struct gc_event *ev, int n)
{
	/* 24-byte events, each write below PIPE_BUF, so each is atomic. */
	for (int i = 0; i < n; i++)
		while (write(gc_events[1], &ev[i], sizeof(ev[i])) < 0 && errno == EINTR)
			;
}

static void gc_push(struct gc_batch *b, struct gc_event ev)
{
	if (b->n < GC_BATCH_EVENTS)
		b->ev[b->n++] = ev;
}

/* Unlink and free (the caller holds the lock). */
static void gc_drop(struct gc_watch *w)
{
	for (struct gc_watch **p = &gc_watches; *p; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	epoll_ctl(gc_epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
	close(w->fd);
	free(w);
}

static struct gc_watch *gc_find(uint64_t id)
{
	for (struct gc_watch *w = gc_watches; w; w = w->next)
		if (w->id == id)
			return w;
	return NULL;
}

static void gc_reap(struct gc_watch *w, struct gc_batch *b)
{
	siginfo_t si = { 0 };
	struct gc_event ev = { .token = w->token, .kind = GC_EVENT_EXITED };

	if (waitid((idtype_t)P_PIDFD, (id_t)w->fd, &si, WEXITED) < 0) {
		ev.c = -errno;
	} else {
		ev.a = si.si_pid;
		ev.b = si.si_code;
		ev.c = si.si_status;
	}
	gc_push(b, ev);
	gc_drop(w);
}

static void gc_read_errpipe(struct gc_watch *w, struct gc_batch *b)
{
	uint32_t rec[2];
	ssize_t n;
	struct gc_event ev = { .token = w->token };

	do
		n = read(w->fd, rec, sizeof(rec));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(rec)) {
		ev.kind = GC_EVENT_FAILED;
		ev.a = (int32_t)rec[0];
		ev.b = (int32_t)rec[1];
	} else {
		/* EOF: the exec closed the CLOEXEC pipe. A short read cannot happen: the record is written at once. */
		ev.kind = GC_EVENT_STARTED;
	}
	gc_push(b, ev);
	gc_drop(w);
}

/* What is there to read now (epoll said readable: one read does not block), as records; the end closes the watch. */
static void gc_read_sync(struct gc_watch *w, struct gc_batch *b)
{
	uint8_t buf[GC_RECORD_SIZE * GC_SYNC_RECORDS];
	ssize_t n;

	do
		n = read(w->fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0 && !(n < 0 && errno == EAGAIN)) {
		gc_push(b, (struct gc_event){ .token = w->token, .kind = GC_EVENT_SYNC_CLOSED });
		gc_drop(w);
		return;
	}
	for (ssize_t at = 0; at < n;) {
		size_t take = GC_RECORD_SIZE - w->have;
		if ((size_t)(n - at) < take)
			take = (size_t)(n - at);
		memcpy(w->partial + w->have, buf + at, take);
		w->have += take;
		at += (ssize_t)take;
		if (w->have < GC_RECORD_SIZE)
			break;
		struct gc_notify_record rec;
		memcpy(&rec, w->partial, sizeof(rec));
		w->have = 0;
		uint64_t value = (uint64_t)rec.value;
		gc_push(b, (struct gc_event){ .token = w->token,
					      .kind = GC_EVENT_NOTIFIED,
					      .a = (int32_t)rec.op,
					      .b = (int32_t)(uint32_t)value,
					      .c = (int32_t)(uint32_t)(value >> 32) });
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = w->id };
	if (epoll_ctl(gc_epoll_fd, EPOLL_CTL_MOD, w->fd, &ev) < 0) {
		gc_push(b, (struct gc_event){ .token = w->token, .kind = GC_EVENT_SYNC_CLOSED });
		gc_drop(w);
	}
}

static void *gc_reaper_main(void *arg)
{
	(void)arg;
	struct epoll_event evs[GC_EPOLL_BATCH];
	static struct gc_batch batch;
	for (;;) {
		int n = epoll_wait(gc_epoll_fd, evs, GC_EPOLL_BATCH, -1);
		if (n < 0)
			continue;
		batch.n = 0;
		pthread_mutex_lock(&gc_watch_lock);
		for (int i = 0; i < n; i++) {
			struct gc_watch *w = gc_find(evs[i].data.u64);
			if (!w)
				continue; /* unwatched meanwhile */
			if (w->kind == GC_WATCH_PIDFD)
				gc_reap(w, &batch);
			else if (w->kind == GC_WATCH_ERRPIPE)
				gc_read_errpipe(w, &batch);
			else
				gc_read_sync(w, &batch);
		}
		pthread_mutex_unlock(&gc_watch_lock);
		gc_write_events(batch.ev, batch.n);
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
	if (kind != GC_WATCH_PIDFD && kind != GC_WATCH_ERRPIPE && kind != GC_WATCH_SYNC)
		return -EINVAL;

	struct gc_watch *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	/*
	 * A pidfd or a sync socket is duplicated (the caller keeps its own, for
	 * signals and for its writes); an error pipe is taken over.
	 */
	w->fd = kind == GC_WATCH_ERRPIPE ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
	w->kind = kind;
	w->token = token;
	if (w->fd < 0) {
		int err = errno;
		free(w);
		return -err;
	}
	pthread_mutex_lock(&gc_watch_lock);
	w->id = gc_next_id++;
	/* One-shot: a pidfd and a closed pipe stay readable; a sync socket is re-armed after each read. */
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = w->id };
	if (epoll_ctl(gc_epoll_fd, EPOLL_CTL_ADD, w->fd, &ev) < 0) {
		int err = errno;
		pthread_mutex_unlock(&gc_watch_lock);
		close(w->fd);
		free(w);
		return -err;
	}
	w->next = gc_watches;
	gc_watches = w;
	pthread_mutex_unlock(&gc_watch_lock);
	return 0;
}

/*
 * Stop watching `token`'s fd of `kind` and close this thread's copy of it:
 * a forgotten child's sync socket must close when its owner closes its own
 * end (a parent-alive check in the child sees it). Returns how many went.
 */
int gc_reaper_unwatch(uint64_t token, int kind)
{
	int dropped = 0;
	pthread_mutex_lock(&gc_watch_lock);
	for (struct gc_watch *w = gc_watches, *next; w; w = next) {
		next = w->next;
		if (w->token == token && w->kind == kind) {
			gc_drop(w);
			dropped++;
		}
	}
	pthread_mutex_unlock(&gc_watch_lock);
	return dropped;
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
