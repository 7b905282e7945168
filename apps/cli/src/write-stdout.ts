import { writeSync } from 'node:fs';

/**
 * Write `text` to fd 1 directly. process.stdout, the first time it is used,
 * loads node:stream (and node:net for a pipe): ~5 ms, which `gocontainer
 * state` (an engine calls it for every container, and it is timed against
 * `node -e 0`) would pay for one line. An fd 1 in non-blocking mode (EAGAIN)
 * gets the rest through process.stdout, which waits for it.
 */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text);
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process.stdout.write(bytes.subarray(at));
  }
}
