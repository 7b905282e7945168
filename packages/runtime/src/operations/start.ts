import { join } from 'node:path';
import { GcError } from '@gc/syscall';
import { EXEC_FIFO, readExecFifo, removeExecFifo } from '../exec-fifo.js';
import type { HookError } from '../hooks/hook-error.js';
import { runHooks } from '../hooks/run-hooks.js';
import { ownerIsAlive } from '../process-owner.js';
import { ociState } from '../state/oci-state.js';
import { assertAllowed } from '../state/status.js';
import type { RuntimeContext } from './context.js';

/**
 * The OCI `start`: open the created container's exec fifo, which lets its
 * init go on to exec the user's process, and record it running. Loads no
 * planning code: a command on its own costs little more than Node's start.
 * Resolves with the poststart hooks that failed: warnings, as the spec says.
 */
export async function startCreatedContainer(ctx: RuntimeContext, id: string): Promise<HookError[]> {
  const { store } = ctx;
  const started = await store.update(id, async (record, status) => {
    assertAllowed('start', id, status);
    const fifo = join(store.root, id, EXEC_FIFO);
    let waited: boolean;
    try {
      const init = record.init;
      waited = await readExecFifo(ctx.kernel, fifo, () => init !== undefined && ownerIsAlive(init));
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
    removeExecFifo(fifo);
    return { ...record, status: 'running', started: new Date().toISOString() };
  });
  // After the user's process started; a failure is only a warning (the spec).
  const poststart = started.record.config?.hooks?.poststart;
  if (!poststart?.length) return [];
  return runHooks('poststart', poststart, ociState(started.record, 'running'), { cwd: started.record.bundle });
}
