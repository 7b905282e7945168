/*
 * The attach socket of gc-monitor (`attach.sock` in the container's
 * directory): clients get the container's output as it comes, and send its
 * input, terminal size and end of input. Frames both ways, as Docker's
 * stdcopy: byte 0 the kind, bytes 1-3 zero, bytes 4-7 the payload's length
 * (u32 big-endian), then the payload. Kinds: 0 stdin (to the monitor),
 * 1 stdout, 2 stderr (to the clients; everything is 1 with a tty), 3 resize
 * (rows u16 BE, cols u16 BE), 4 stdin closed, 5 exit (i32 BE exit code).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "monitor-attach.h"

#define GC_CLIENTS 8
#define GC_FRAME_MAX 65536
#define GC_SOCKET "attach.sock"

enum { GC_STDIN = 0, GC_RESIZE = 3, GC_STDIN_CLOSED = 4, GC_EXIT = 5 };

static struct gc_client {
	int fd;
	size_t have;
	uint8_t buf[8 + GC_FRAME_MAX];
} clients[GC_CLIENTS];
static int listen_fd = -1;

int gc_attach_listen(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	/* Relative to the container's directory (our cwd): its full path can be longer than sun_path. */
	memcpy(addr.sun_path, GC_SOCKET, sizeof(GC_SOCKET));
	for (int i = 0; i < GC_CLIENTS; i++)
		clients[i].fd = -1;
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0)
		return -errno;
	unlink(GC_SOCKET);
	mode_t old = umask(0077);
	int r = bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (r < 0 || listen(listen_fd, GC_CLIENTS) < 0) {
		int err = errno;
		close(listen_fd);
		listen_fd = -1;
		return -err;
	}
	return listen_fd;
}

static void gc_drop(struct gc_client *c)
{
	close(c->fd);
	c->fd = -1;
	c->have = 0;
}

static void gc_accept(void)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct gc_client *c = NULL;
		for (int i = 0; i < GC_CLIENTS && !c; i++)
			if (clients[i].fd < 0)
				c = &clients[i];
		if (!c) {
			close(fd);
			continue;
		}
		/* A client that stops reading is dropped rather than stalling the container's output. */
		struct timeval tv = { .tv_sec = 1 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		c->fd = fd;
		c->have = 0;
	}
}

int gc_attach_wait(int timeout_ms)
{
	struct pollfd p = { listen_fd, POLLIN, 0 };
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return 0;
	gc_accept();
	for (int i = 0; i < GC_CLIENTS; i++)
		if (clients[i].fd >= 0)
			return 1;
	return 0;
}

int gc_attach_pollfds(struct pollfd *p)
{
	int n = 0;
	p[n++] = (struct pollfd){ listen_fd, POLLIN, 0 };
	for (int i = 0; i < GC_CLIENTS; i++)
		p[n++] = (struct pollfd){ clients[i].fd, POLLIN, 0 };
	return n;
}

static uint32_t gc_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Write all of it to the container's input, for at most a second: a container that does not read loses the rest. */
static void gc_to_input(int fd, const uint8_t *p, size_t n)
{
	while (n > 0 && fd >= 0) {
		ssize_t w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		struct pollfd q = { fd, POLLOUT, 0 };
		if (w < 0 && errno == EAGAIN && poll(&q, 1, 1000) > 0)
			continue;
		return;
	}
}

static void gc_frame(const uint8_t *frame, uint32_t len, int *input, int master)
{
	const uint8_t *payload = frame + 8;
	switch (frame[0]) {
	case GC_STDIN:
		gc_to_input(*input, payload, len);
		break;
	case GC_RESIZE:
		if (master >= 0 && len == 4) {
			struct winsize ws = { .ws_row = (unsigned short)((payload[0] << 8) | payload[1]),
					      .ws_col = (unsigned short)((payload[2] << 8) | payload[3]) };
			ioctl(master, TIOCSWINSZ, &ws);
		}
		break;
	case GC_STDIN_CLOSED:
		/* A pipe's end is the container's EOF; a terminal's is its EOF character. */
		if (master >= 0)
			gc_to_input(master, (const uint8_t *)"\x04", 1);
		else if (*input >= 0) {
			close(*input);
			*input = -1;
		}
		break;
	default:
		break;
	}
}

void gc_attach_handle(const struct pollfd *p, int *input, int master)
{
	if (p[0].revents)
		gc_accept();
	for (int i = 0; i < GC_CLIENTS; i++) {
		struct gc_client *c = &clients[i];
		if (c->fd < 0 || !p[1 + i].revents || p[1 + i].fd != c->fd)
			continue;
		ssize_t n = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			gc_drop(c);
			continue;
		}
		c->have += (size_t)n;
		while (c->have >= 8) {
			uint32_t len = gc_be32(c->buf + 4);
			if (len > GC_FRAME_MAX) {
				gc_drop(c);
				break;
			}
			if (c->have < 8 + (size_t)len)
				break;
			gc_frame(c->buf, len, input, master);
			memmove(c->buf, c->buf + 8 + len, c->have - 8 - len);
			c->have -= 8 + len;
		}
	}
}

static void gc_send(int kind, const void *data, size_t len)
{
	uint8_t head[8] = { (uint8_t)kind, 0, 0, 0, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			    (uint8_t)len };
	for (int i = 0; i < GC_CLIENTS; i++) {
		struct gc_client *c = &clients[i];
		if (c->fd < 0)
			continue;
		struct iovec iov[2] = { { head, 8 }, { (void *)data, len } };
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
		size_t want = 8 + len;
		ssize_t w = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (w != (ssize_t)want)
			gc_drop(c); /* gone, or not reading: a partial frame would garble the stream */
	}
}

void gc_attach_output(int stream, const char *data, size_t len)
{
	gc_send(stream, data, len);
}

void gc_attach_exit(int code)
{
	uint8_t be[4] = { (uint8_t)((uint32_t)code >> 24), (uint8_t)((uint32_t)code >> 16), (uint8_t)((uint32_t)code >> 8),
			  (uint8_t)code };
	gc_send(GC_EXIT, be, 4);
	for (int i = 0; i < GC_CLIENTS; i++)
		if (clients[i].fd >= 0)
			gc_drop(&clients[i]);
}

void gc_attach_close(void)
{
	if (listen_fd >= 0) {
		close(listen_fd);
		listen_fd = -1;
		unlink(GC_SOCKET);
	}
}
