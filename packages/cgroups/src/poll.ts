import { CgroupError } from './errors.js';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Poll `done` with a short, growing delay (2 ms to 50 ms): cgroup state
 * changes (frozen, emptied) take microseconds to milliseconds, and polling
 * never blocks the event loop. `retry` runs between polls.
 */
export async function until(what: string, timeoutMs: number, done: () => boolean, retry?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; !done(); i++) {
    if (Date.now() > deadline) throw new CgroupError('ETIMEDOUT', `${what}: not done after ${timeoutMs} ms`);
    await sleep(Math.min(2 * 2 ** Math.min(i, 5), 50));
    retry?.();
  }
}
