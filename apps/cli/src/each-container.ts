import type { ContainerRecord, EngineContext } from '@gc/engine';
import { GcError } from '@gc/syscall';
import { logError } from './log.js';
import { reportError } from './report-error.js';

/**
 * A command on several containers, as Docker's `stop a b`: each one in
 * turn, a line on stdout for each done (what `done` returns), an error line
 * on stderr for each that failed; exit 1 if any failed.
 */
export async function eachContainer(
  name: string,
  ctx: EngineContext,
  refs: readonly string[],
  done: (record: ContainerRecord, ref: string) => Promise<string | undefined> | string | undefined,
): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      const line = await done(ctx.store.find(ref), ref);
      if (line !== undefined) process.stdout.write(`${line}\n`);
    } catch (e) {
      failed = true;
      if (GcError.isInstance(e)) {
        process.stderr.write(`gocontainer: ${name}: ${e.message.replaceAll('\n', '\\n')}\n`);
        logError(`${name}: ${e.message}`);
      } else reportError(e);
    }
  }
  return failed ? 1 : 0;
}
