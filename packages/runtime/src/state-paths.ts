import { lstatSync, readlinkSync } from 'node:fs';
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

/**
 * The path with every symlink on the way followed, as a lookup in the
 * container would follow it: like realpath(3), but a missing component or a
 * dangling link's missing target is kept as written.
 */
function realPathOf(path: string): string {
  let pending = posix.resolve(path).split('/').filter(Boolean);
  let done = '/';
  for (let links = 0; pending.length > 0; ) {
    const part = pending.shift() as string;
    const here = posix.join(done, part);
    let target: string | undefined;
    try {
      target = lstatSync(here).isSymbolicLink() ? readlinkSync(here) : undefined;
    } catch {
      return posix.join(here, ...pending); // missing: nothing more to follow
    }
    if (target === undefined || ++links > 40) {
      done = here;
      continue;
    }
    pending = [...posix.resolve(done, target).split('/').filter(Boolean), ...pending];
    done = '/';
  }
  return done;
}
