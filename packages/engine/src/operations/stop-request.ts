import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStore } from '../store/container-store.js';

/** The file in a container's directory that tells its monitor a user stopped it: no restart. */
export const STOP_REQUESTED = 'stop-requested';

/** What the file says for `restart`'s stop: the monitor of a --rm container leaves it for the start that follows. */
const FOR_RESTART = 'restart';

/** Made before stop, kill or rm -f signal the container, so the monitor sees it before the exit. */
export function requestStop(store: ContainerStore, id: string, forRestart = false): void {
  const fd = openSync(join(store.dir(id), STOP_REQUESTED), 'a', 0o600);
  try {
    if (forRestart) writeSync(fd, FOR_RESTART);
  } finally {
    closeSync(fd);
  }
}
