import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStore } from '../store/container-store.js';

/** The file in a container's directory that tells its monitor a user stopped it: no restart. */
export const STOP_REQUESTED = 'stop-requested';

/** Made before stop, kill or rm -f signal the container, so the monitor sees it before the exit. */
export function requestStop(store: ContainerStore, id: string): void {
  closeSync(openSync(join(store.dir(id), STOP_REQUESTED), 'a', 0o600));
}
