import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import { EXEC_FIFO, readExecFifo, removeExecFifo } from '../exec-fifo.js';
import { assertAllowed } from '../state/status.js';
import type { RuntimeContext } from './context.js';

/**
 * The OCI `start`: open the created container's exec fifo, which lets its
 * init go on to exec the user's process, and record it running. Loads no
 * planning code: a command on its own costs little more than Node's start.
 */
export async function startCreatedContainer(ctx: RuntimeContext, id: string): Promise<void> {
  const { store } = ctx;
  await store.update(id, async (record, status) => {
    assertAllowed('start', id, status);
    const fifo = join(store.root, id, EXEC_FIFO);
    let waited: boolean;
    try {
      waited = await readExecFifo(ctx.kernel, fifo);
    } catch (e) {
      throw new GcError(
        'ESTART',
        `start container ${JSON.stringify(id)}: open its exec fifo ${fifo}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    if (!waited) {
      throw new GcError(
        'ESTART',
        `start container ${JSON.stringify(id)}: its init is not waiting on the exec fifo (it died)`,
      );
    }
    await removeExecFifo(fifo);
    return { ...record, status: 'running', started: new Date().toISOString() };
  });
}
