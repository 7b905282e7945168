/**
 * Stand-ins for the fds a real start opens before planning (the cgroup's
 * tasks files, gc-init, the console socket): numbers no real fd of this
 * process has, each named for what it stands for, so that an explanation
 * can say "fd 3 <- the memory cgroup's tasks file" without opening anything.
 */
export interface PlaceholderFds {
  /** A new stand-in for `what`. */
  fd(what: string): number;
  /** What a stand-in stands for, or undefined for a real fd. */
  name(fd: number): string | undefined;
}

/** Above any fd a CLI process holds, below the kernel's fd limit. */
const FIRST_PLACEHOLDER = 1_000_000;

export function createPlaceholderFds(): PlaceholderFds {
  const names = new Map<number, string>();
  return {
    fd(what) {
      const fd = FIRST_PLACEHOLDER + names.size;
      names.set(fd, what);
      return fd;
    },
    name: (fd) => names.get(fd),
  };
}
