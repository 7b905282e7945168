import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

/** Manifest, config and layer blobs of an image: what a hold of it keeps. */
export function heldBlobs(image: ImageRecord): Digest[] {
  return [image.manifest.digest, image.id, ...image.layers.map((l) => l.digest)];
}

export function holdOf(container: string, image: ImageRecord, owner: HoldOwner): ContainerHold {
  return {
    container,
    image: image.id,
    blobs: heldBlobs(image),
    diffIds: [...image.diffIds],
    owner,
  };
}

/**
 * A hold protects its container's image from a prune while the container
 * runs, and a crash of the machine ends the container: so it is written
 * without a sync (one fewer for every `run IMAGE`). Renamed into place, it
 * is whole for every reader while the machine runs; one that a crash left
 * empty is older than the boot, and holds nothing (parseHold).
 */
export function writeHold(ctx: StoreContext, hold: ContainerHold): void {
  writeFileAtomic(
    tempPath(ctx.layout.tmp, 'hold'),
    ctx.layout.container(hold.container),
    `${JSON.stringify(hold)}\n`,
    0o600,
    { sync: false },
  );
}

/** The container's hold, or undefined when it holds nothing. */
export function readHold(ctx: StoreContext, container: string): ContainerHold | undefined {
  return parseHold(ctx.layout.container(container));
}

export function removeHold(ctx: StoreContext, container: string): void {
  rmSync(ctx.layout.container(container), { force: true });
}

/**
 * Every container's hold. A hold released while they are read (a
 * concurrent release) holds nothing. A record that does not parse is an
 * error: guessing it held nothing could remove its layers.
 */
export function readHolds(ctx: StoreContext): ContainerHold[] {
  return readdirSync(ctx.layout.containers)
    .map((name) => parseHold(ctx.layout.container(name)))
    .filter((hold) => hold !== undefined);
}

function parseHold(path: string): ContainerHold | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GcError(EIMAGE_CORRUPT, `${path}: not a container's record (${(e as Error).message})`, { cause: e });
  }
  try {
    return JSON.parse(text) as ContainerHold;
  } catch (e) {
    // Torn by a crash of the machine (see writeHold): its container died with it.
    if (writtenBeforeBoot(path)) return undefined;
    throw new GcError(EIMAGE_CORRUPT, `${path}: not a container's record (${(e as Error).message})`, { cause: e });
  }
}

let bootMs: number | undefined;

/** Was `path` last written before this boot (/proc/stat's btime)? False when that cannot be told. */
function writtenBeforeBoot(path: string): boolean {
  try {
    bootMs ??= Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? Number.NaN) * 1000;
    return statSync(path).mtimeMs < bootMs;
  } catch {
    return false;
  }
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
