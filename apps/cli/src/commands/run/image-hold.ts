import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A file in the run directory of a container on an image: the data root
 * whose store holds the image for it. A gocontainer killed with SIGKILL
 * cannot release that hold; the sweep that removes its run directory does,
 * through this file, before the directory goes.
 */
const IMAGE_HOLD = 'image-hold';

export function writeHoldMarker(runDir: string, dataRoot: string): void {
  writeFileSync(join(runDir, IMAGE_HOLD), JSON.stringify({ dataRoot }));
}

/** sweepRunDirs' beforeRemove: release the hold of a dead gocontainer's container, if it had one. */
export async function releaseSweptHold(dir: string, id: string): Promise<void> {
  let text: string;
  try {
    text = readFileSync(join(dir, IMAGE_HOLD), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const { dataRoot } = JSON.parse(text) as { dataRoot: string };
  // Only a run directory with a hold loads the image code.
  await (await import('./run-image.js')).releaseHold(dataRoot, id);
}

/**
 * Before rmi and image prune: sweep the run directories of gocontainers
 * killed with SIGKILL (their containers died with them), so that their holds
 * do not keep images "in use" by containers that no longer exist.
 */
export async function sweepDeadHolds(global: { root?: string }): Promise<void> {
  const { sweepRunDirs } = await import('@gc/runtime');
  await sweepRunDirs({ ...(global.root ? { root: global.root } : {}), beforeRemove: releaseSweptHold });
}
