import { close, fstat, fsync, read, write, writev } from 'node:fs';

// Promises over node:fs's callback calls: node:fs/promises stays off the CLI's start-up path.

/** Write every byte of `data` (chunks in one writev each time, the rest of a short write again). */
export function writeAll(fd: number, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  let chunks: readonly Uint8Array[] = data instanceof Uint8Array ? [data] : data;
  return new Promise((resolve, reject) => {
    const step = () => {
      while (chunks.length > 0 && (chunks[0] as Uint8Array).length === 0) chunks = chunks.slice(1);
      if (chunks.length === 0) return resolve();
      const done = (error: NodeJS.ErrnoException | null, written: number) => {
        if (error) return reject(error);
        let left = written;
        let at = 0;
        while (at < chunks.length && left >= (chunks[at] as Uint8Array).length)
          left -= (chunks[at++] as Uint8Array).length;
        chunks = chunks.slice(at);
        if (left > 0) chunks = [(chunks[0] as Uint8Array).subarray(left), ...chunks.slice(1)];
        step();
      };
      if (chunks.length === 1) {
        const chunk = chunks[0] as Uint8Array;
        write(fd, chunk, 0, chunk.length, null, done);
      } else writev(fd, chunks as NodeJS.ArrayBufferView[], null, done);
    };
    step();
  });
}

export function readAt(fd: number, buffer: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buffer, 0, buffer.length, position, (error, bytes) => (error ? reject(error) : resolve(bytes))),
  );
}

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
}

export function sizeOf(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats.size))));
}
