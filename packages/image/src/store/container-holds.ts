import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import type { Digest } from '../digest.js';
import { tempPath, writeFileAtomic } from './atomic-write.js';
import { markOrphans } from './collect.js';
import { EIMAGE_CORRUPT, EIMAGE_INVALID } from './errors.js';
import { type HoldOwner, holdOwnerGone } from './hold-owner.js';
import type { ImageRecord } from './image-store.js';
import type { StoreContext } from './store-context.js';

/** What one container holds: `containers/<id>`, so that rmi and prune leave its image's content alone. */
export interface ContainerHold {
  container: string;
  image: Digest;
  /** Manifest, config and layer blobs. */
  blobs: Digest[];
  diffIds: Digest[];
  /** Who keeps it; a hold written before owners were recorded has none, and stays until released. */
  owner?: HoldOwner;
}

const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function checkContainerId(id: string): void {
  if (typeof id !== 'string' || !CONTAINER_ID.test(id)) {
    throw new GcError(
      EIMAGE_INVALID,
      `containerId: ${JSON.stringify(id)} is not a container ID (expected letters, digits, "_", "." and "-", at most 128)`,
    );
  }
}

export function holdOf(container: string, image: ImageRecord, owner: HoldOwner): ContainerHold {
  return {
    container,
    image: image.id,
    blobs: [image.manifest.digest, image.id, ...image.layers.map((l) => l.digest)],
    diffIds: [...image.diffIds],
    owner,
  };
}

export function writeHold(ctx: StoreContext, hold: ContainerHold): void {
  writeFileAtomic(
    tempPath(ctx.layout.tmp, 'hold'),
    ctx.layout.container(hold.container),
    `${JSON.stringify(hold)}\n`,
    0o600,
  );
}

/** The container's hold, or undefined when it holds nothing. */
export function readHold(ctx: StoreContext, container: string): ContainerHold | undefined {
  return readHolds(ctx).find((h) => h.container === container);
}

export function removeHold(ctx: StoreContext, container: string): void {
  rmSync(ctx.layout.container(container), { force: true });
}

/** Every container's hold. A record that does not parse is an error: guessing it held nothing could remove its layers. */
export function readHolds(ctx: StoreContext): ContainerHold[] {
  return readdirSync(ctx.layout.containers).map((name) => {
    const path = ctx.layout.container(name);
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as ContainerHold;
    } catch (e) {
      throw new GcError(EIMAGE_CORRUPT, `${path}: not a container's record (${(e as Error).message})`, { cause: e });
    }
  });
}

/**
 * Every container's hold but those whose owner is gone (another boot, or its
 * process and run directory gone: nothing can release them), which are
 * removed. Under the content lock, exclusively: the images they held become
 * removable, and their blobs no image references go at the next prune.
 */
export function readLiveHolds(ctx: StoreContext, images: readonly ImageRecord[]): ContainerHold[] {
  const holds = readHolds(ctx);
  const live = holds.filter((h) => h.owner === undefined || !holdOwnerGone(h.owner));
  for (const hold of holds) {
    if (live.includes(hold)) continue;
    removeHold(ctx, hold.container);
    markOrphans(ctx, hold, images, live);
  }
  return live;
}
