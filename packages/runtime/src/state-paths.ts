import { realpathSync } from 'node:fs';
import { posix } from 'node:path';
import { RUN_ROOT } from './run-dir.js';

/** Where gocontainer keeps data that outlives a run (images, volumes), once it has some. */
export const DATA_ROOT = '/var/lib/gocontainer';

/**
 * The real paths of gocontainer's state on this host: the run directory, the
 * data root and `extra` (an OCI `--root` state directory), whether or not
 * they exist yet. A container on an overlay of the host's root gets them as
 * the overlay's `hidden` paths, so that it never sees another container's
 * layers, its own upper directory, or any state; `/var/run -> /run` style
 * links are resolved, as the container would resolve them.
 */
export function gocontainerStatePaths(extra: readonly string[] = []): string[] {
  return [RUN_ROOT, DATA_ROOT, ...extra].map(realPathOf);
}

/** realpath(3) of the deepest ancestor that exists, then the rest as written. */
function realPathOf(path: string): string {
  const rest: string[] = [];
  let at = posix.resolve(path);
  for (;;) {
    try {
      return posix.join(realpathSync(at), ...rest);
    } catch {
      if (at === '/') return posix.join('/', ...rest);
      rest.unshift(posix.basename(at));
      at = posix.dirname(at);
    }
  }
}
