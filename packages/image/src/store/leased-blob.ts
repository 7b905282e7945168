import { utimesSync } from 'node:fs';
import type { StoreContext } from './store-context.js';

/**
 * A blob just stored while this store holds a lease: dated back to the
 * epoch, so that prune's grace for young unreferenced blobs, which protects
 * writers without a lease, does not keep it. Its lease keeps it until the
 * image is added; if its writer is killed before, the next prune removes it.
 */
export function markLeasedBlob(ctx: StoreContext, path: string): void {
  if (ctx.leases.held > 0) utimesSync(path, 0, 0);
}
