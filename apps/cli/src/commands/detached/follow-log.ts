import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Copy a json-file log's records to our stdout and stderr as their streams
 * say, from byte `offset` on, until `done()` says the writer finished (then
 * once more, to its end). A file that shrank was rotated: reading goes on
 * from the start of the new one.
 */
export async function followLog(path: string, offset: number, done: () => boolean): Promise<void> {
  let at = offset;
  let partial = '';
  const readMore = () => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (size < at) at = 0;
    if (size === at) return;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(size - at);
      const n = readSync(fd, buf, 0, buf.length, at);
      at += n;
      const lines = (partial + buf.subarray(0, n).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        const record = JSON.parse(line) as { log: string; stream: string };
        (record.stream === 'stderr' ? process.stderr : process.stdout).write(record.log);
      }
    } finally {
      closeSync(fd);
    }
  };
  for (;;) {
    const finished = done();
    readMore();
    if (finished) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The size of a file now, 0 when there is none yet. */
export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
