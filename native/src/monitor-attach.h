#ifndef GC_MONITOR_ATTACH_H
#define GC_MONITOR_ATTACH_H
#include <poll.h>
#include <stddef.h>

/* Slots gc_attach_pollfds fills: the listening socket and one per client. */
#define GC_ATTACH_POLLFDS 9

/* Listen on attach.sock in the current directory; the fd, or -errno. */
int gc_attach_listen(void);
/* Wait up to timeout_ms for a first client (`run` without -d attaches before the start); 1 if one came. */
int gc_attach_wait(int timeout_ms);
/* Fill p[0..GC_ATTACH_POLLFDS) for poll; returns how many. */
int gc_attach_pollfds(struct pollfd *p);
/* After poll: accept, read clients' frames; stdin goes to *input (closed and set -1 at its end), resizes to master. */
void gc_attach_handle(const struct pollfd *p, int *input, int master);
/* Output of the container (1 stdout, 2 stderr) to every client. */
void gc_attach_output(int stream, const char *data, size_t len);
/* The container exited: tell every client, and let them go. */
void gc_attach_exit(int code);
/* Stop listening; the socket file goes. */
void gc_attach_close(void);

#endif
