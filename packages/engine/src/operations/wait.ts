import type { ContainerRecord } from '../store/container-record.js';
import { type EngineContext, waitFor } from './engine-context.js';

/**
 * `docker wait`: resolves with the exit code once the container does not
 * run (at once for one that never started or has exited; through restarts
 * of a restart policy, until it stays stopped).
 */
export async function waitContainer(ctx: EngineContext, record: ContainerRecord): Promise<number> {
  const now = await waitFor(ctx, record, (n) => !n.state.running && !n.state.restarting);
  return now?.state.exitCode ?? -1;
}
