/* The gocontainer syscall-program executor. See docs/program-format.md. */
#ifndef GC_EXEC_H
#define GC_EXEC_H

#include <stddef.h>
#include <stdint.h>

int gc_program_check(const uint8_t *blob, size_t len);
long gc_spawn(const uint8_t *blob, size_t len, uint64_t clone_flags, int cgroup_fd, int exe_fd, int32_t *out);
int gc_reaper_wake(void);
int gc_run(uint8_t *blob, size_t len, int err_fd, int sync_fd);
int gc_reaper_start(void);
int gc_reaper_watch(int fd, uint64_t token, int kind);
int gc_reaper_unwatch(uint64_t token, int kind);
long gc_send_fds(int sock, const int32_t *fds, int nfds, const uint8_t *data, size_t len);
long gc_recv_fds(int sock, int32_t *fds, int maxfds, uint8_t *data, size_t len, int32_t *nfds);

#endif
