import { readdirSync, readlinkSync } from 'node:fs';
import { F_GETFD, type Kernel } from '@gc/syscall';
import { UsageError } from './usage-error.js';

/**
 * `--preserve-fds N`: fds 3 .. 3+N-1, each checked to be one the caller
 * passed, and not one of Node's own. Node's (its event loop's epoll and
 * eventfd, libuv's signal pipe) take the lowest free numbers at start-up,
 * so they sit on 3 and up when the caller passed fewer fds than it said; a
 * container given them could disturb this process's event loop. Node marks
 * every fd close-on-exec, inherited ones too, so that flag cannot tell them
 * apart: an anonymous inode (epoll, eventfd, signalfd, timerfd) is Node's,
 * and so is a pipe whose other end this process holds too (a self-pipe).
 */
export function preservedFds(kernel: Kernel, count: number, command: string): number[] {
  const fds = Array.from({ length: count }, (_, i) => 3 + i);
  const targets = new Map<number, string>();
  try {
    for (const name of readdirSync('/proc/self/fd')) {
      try {
        targets.set(Number(name), readlinkSync(`/proc/self/fd/${name}`));
      } catch {
        // Closed meanwhile (the directory's own fd).
      }
    }
  } catch {
    // No /proc: only the open check.
  }
  for (const fd of fds) {
    const notPassed = (what: string) =>
      new UsageError(`${command}: --preserve-fds ${count}: fd ${fd} was not passed to gocontainer (${what})`, 1);
    try {
      kernel.fcntl(fd, F_GETFD);
    } catch {
      throw notPassed('it is not open');
    }
    const target = targets.get(fd) ?? '';
    if (target.startsWith('anon_inode:')) throw notPassed(`it is ${target}, gocontainer's own`);
    if (target.startsWith('pipe:') && [...targets].some(([other, t]) => other !== fd && t === target)) {
      throw notPassed(`it is ${target}, whose other end gocontainer holds: its own`);
    }
  }
  return fds;
}
