import { writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { F_DUPFD_CLOEXEC, F_GETFL, F_SETFL, type Kernel, O_NONBLOCK } from '@gc/syscall';

/** A copy of a pty master's output to an fd of ours that can be ended at once. */
export interface PtyOutput {
  /** `ended`: the pty's last user closed it (EIO); `write-error`: our side is gone. */
  readonly done: Promise<'ended' | 'write-error'>;
  /** Stop reading now and leave the master blocking, as whoever takes it over expects it. */
  stop(): void;
}

/**
 * Copy the output of the pty master `master` to `to`, read through the
 * event loop (epoll) rather than by a blocking read in libuv's thread pool:
 * a read blocked there could not be ended when the detach keys hand the
 * master over, and would keep gocontainer from exiting. It reads a
 * duplicate of the master, so that closing it leaves `master` open.
 */
export function copyPtyOutput(kernel: Kernel, master: number, to: number): PtyOutput {
  const dup = kernel.fcntl(master, F_DUPFD_CLOEXEC, 0);
  const stream = new ReadStream(dup);
  let stopped = false;
  const done = new Promise<'ended' | 'write-error'>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      try {
        let off = 0;
        while (off < chunk.length) off += writeSync(to, chunk, off, chunk.length - off);
      } catch {
        resolve('write-error');
        stream.destroy();
      }
    });
    // EIO once no process holds the pty's slave any more.
    stream.on('error', () => resolve('ended'));
    stream.on('end', () => resolve('ended'));
    stream.on('close', () => resolve('ended'));
  });
  return {
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      stream.destroy();
      // libuv made the file (shared by the duplicate) non-blocking.
      kernel.fcntl(master, F_SETFL, kernel.fcntl(master, F_GETFL) & ~O_NONBLOCK);
    },
  };
}
