import type { ContainerRecord, EngineContext } from '@gc/engine';
import { GcError } from '@gc/syscall';
import { logError } from './log.js';
import { reportError } from './report-error.js';

/** How many containers are worked on at once (the docker CLI's limit for stop, kill, rm). */
const AT_ONCE = 50;

/**
 * A command on several containers, as Docker's `stop a b`: all at once (up
 * to AT_ONCE), so that ten stops wait ten seconds, not a hundred; then, in
 * the order given, a line on stdout for each done (what `done` returns) and
 * an error line on stderr for each that failed; exit 1 if any failed.
 */
export async function eachContainer(
  name: string,
  ctx: EngineContext,
  refs: readonly string[],
  done: (record: ContainerRecord, ref: string) => Promise<string | undefined> | string | undefined,
): Promise<number> {
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = (): Promise<void> => {
    if (running >= AT_ONCE) return new Promise((resolve) => queue.push(resolve));
    running++;
    return Promise.resolve();
  };
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  const find = ctx.store.finder();
  const results = refs.map(async (ref) => {
    await slot();
    try {
      return { line: await done(find(ref), ref) };
    } catch (error) {
      return { error };
    } finally {
      release();
    }
  });
  let failed = false;
  for (const result of results) {
    const r = await result;
    if ('error' in r) {
      failed = true;
      const e = r.error;
      if (GcError.isInstance(e)) {
        process.stderr.write(`gocontainer: ${name}: ${e.message.replaceAll('\n', '\\n')}\n`);
        logError(`${name}: ${e.message}`);
      } else reportError(e);
    } else if (r.line !== undefined) process.stdout.write(`${r.line}\n`);
  }
  return failed ? 1 : 0;
}
