/*
 * The kernel's floor of one container of bench/api, in C with nothing else:
 * per container, its cgroups made (the eight v1 hierarchies and the unified
 * one of a hybrid host, or one cgroup2 directory; pids.max and the devices
 * deny-all written), a clone with the new pid, mount, ipc, uts and network
 * namespaces, into the cgroup2 directory (CLONE_INTO_CGROUP, as
 * gocontainer does); the child places itself in its v1 cgroups, makes its mounts
 * private, bind-mounts the root, mounts /proc and a tmpfs /dev in it,
 * pivot_roots, detaches the old root and execs /bin/true; the parent waits
 * for it and removes the cgroups. No state files, no planning, no
 * seccomp, capabilities or pty: what any runtime must pay at the least.
 *
 *   floor ROOTFS COUNT PARALLEL MODE    MODE: ns (the clone only), cg (+ cgroups), full (+ mounts, exec)
 *
 * PARALLEL processes each run COUNT/PARALLEL containers one after another.
 * Prints "MODE PARALLEL COUNT PER_SECOND".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *V1[] = {"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids", NULL};
enum { NS, CG, FULL } mode;
static int hybrid;
static const char *rootfs;
static char dirs[10][256];
static int ndirs;

/* struct clone_args of linux/sched.h, up to `cgroup` (CLONE_ARGS_SIZE_VER2). */
struct clone_args_v2 {
  unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
      cgroup;
};
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

static void die(const char *what) {
  perror(what);
  _exit(1);
}

static void put(const char *dir, const char *file, const char *value) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, value, strlen(value)) < 0) die(path);
  close(fd);
}

static void child(void) {
  if (mode >= CG)
    for (int i = 0; i < ndirs - 1; i++) put(dirs[i], "tasks", "0");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) die("make / private");
  if (mode < FULL) _exit(0);
  char path[512];
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL)) die("bind the root");
  snprintf(path, sizeof path, "%s/proc", rootfs);
  if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) die("mount proc");
  snprintf(path, sizeof path, "%s/dev", rootfs);
  if (mount("tmpfs", path, "tmpfs", MS_NOSUID, "mode=755")) die("mount /dev");
  if (chdir(rootfs)) die("chdir");
  if (syscall(SYS_pivot_root, ".", ".")) die("pivot_root");
  if (umount2(".", MNT_DETACH)) die("umount the old root");
  char *argv[] = {"true", NULL};
  char *envp[] = {"PATH=/bin", NULL};
  execve("/bin/true", argv, envp);
  die("exec /bin/true");
}

static void one(int worker, int i) {
  ndirs = 0;
  if (mode >= CG) {
    if (hybrid)
      for (int k = 0; V1[k]; k++) snprintf(dirs[ndirs++], 256, "/sys/fs/cgroup/%s/gc-floor-%d-%d-%d", V1[k], getppid(), worker, i);
    snprintf(dirs[ndirs++], 256, "/sys/fs/cgroup/%sgc-floor-%d-%d-%d", hybrid ? "unified/" : "", getppid(), worker, i);
    for (int k = 0; k < ndirs; k++)
      if (mkdir(dirs[k], 0755)) die(dirs[k]);
    if (hybrid) {
      put(dirs[3], "cpuset.cpus", "0");
      put(dirs[3], "cpuset.mems", "0");
      put(dirs[4], "devices.deny", "a");
      put(dirs[7], "pids.max", "64");
    }
  }
  struct clone_args_v2 args = {
      .flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET,
      .exit_signal = SIGCHLD,
  };
  int cgroup = -1;
  if (mode >= CG) {
    cgroup = open(dirs[ndirs - 1], O_DIRECTORY | O_CLOEXEC);
    if (cgroup < 0) die(dirs[ndirs - 1]);
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (unsigned long long)cgroup;
  }
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) die("clone3");
  if (pid == 0) child();
  if (cgroup >= 0) close(cgroup);
  int status;
  if (waitpid(pid, &status, 0) < 0) die("waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "container %d-%d failed: status %d\n", worker, i, status);
    _exit(1);
  }
  for (int k = 0; k < ndirs; k++)
    while (rmdir(dirs[k]))
      if (errno != EBUSY) die(dirs[k]);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: floor ROOTFS COUNT PARALLEL ns|cg|full\n");
    return 2;
  }
  rootfs = argv[1];
  int count = atoi(argv[2]), parallel = atoi(argv[3]);
  mode = strcmp(argv[4], "ns") == 0 ? NS : strcmp(argv[4], "cg") == 0 ? CG : FULL;
  hybrid = access("/sys/fs/cgroup/unified", F_OK) == 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int w = 0; w < parallel; w++) {
    pid_t p = fork();
    if (p < 0) die("fork");
    if (p == 0) {
      for (int i = w; i < count; i += parallel) one(w, i);
      _exit(0);
    }
  }
  int status, failed = 0;
  while (wait(&status) > 0) failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  clock_gettime(CLOCK_MONOTONIC, &b);
  double seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  printf("%s %d %d %.1f\n", argv[4], parallel, count, count / seconds);
  return failed;
}
