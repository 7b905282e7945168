import { lstatSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Digest, digestHex } from '../digest-text.js';
import { tempPath } from './atomic-write.js';
import type { StoreContext } from './store-context.js';

/**
 * A layer is `layers/<hex>/diff` (its files) and `layers/<hex>/link` (its
 * short name), reached by overlayfs as `l/<name>`, a symlink to the diff:
 * short, so that a hundred layers fit mount(2)'s page of options with the
 * default root. The link is made before the directory is renamed into
 * place, so a layer in layers/ always has one (a crash in between leaves a
 * dangling link for prune).
 */
export const LAYER_FILES = 'diff';
export const LAYER_LINK = 'link';
/** The bytes of the uncompressed tar it was unpacked from (Docker's size of a layer). */
export const LAYER_SIZE = 'size';

/** The path overlayfs gets for an unpacked layer (`ROOT/l/<name>`), or undefined when it is not unpacked. */
export function unpackedLayer(ctx: StoreContext, diffId: Digest): string | undefined {
  let short: string;
  try {
    short = readFileSync(join(ctx.layout.layer(diffId), LAYER_LINK), 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const link = join(ctx.layout.links, short);
  if (!isLinkTo(link, linkTarget(diffId))) linkLayer(ctx, diffId, short); // removed by hand: put it back
  return link;
}

/** The layer's uncompressed size, or undefined when it is not unpacked (or was, before sizes were kept). */
export function unpackedSize(ctx: StoreContext, diffId: Digest): number | undefined {
  try {
    const size = Number(readFileSync(join(ctx.layout.layer(diffId), LAYER_SIZE), 'utf8'));
    return Number.isSafeInteger(size) && size >= 0 ? size : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The symlink's target, relative so that the store can move as a whole. */
export function linkTarget(diffId: Digest): string {
  return `../layers/${digestHex(diffId)}/${LAYER_FILES}`;
}

export function isLinkTo(link: string, target: string): boolean {
  try {
    return lstatSync(link).isSymbolicLink() && readlinkSync(link) === target;
  } catch {
    return false;
  }
}

/** Make `l/<short>` point at the layer's files; false when the name is another layer's. */
export function linkLayer(ctx: StoreContext, diffId: Digest, short: string): boolean {
  const link = join(ctx.layout.links, short);
  try {
    symlinkSync(linkTarget(diffId), link);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return isLinkTo(link, linkTarget(diffId));
    throw e;
  }
}

/**
 * Remove a layer: first renamed into tmp/ (it leaves layers/ at once and
 * whole), then its link, then its files. Returns the bytes its files took.
 */
export function removeLayer(ctx: StoreContext, hex: string, sizeOf: (path: string) => number): number {
  const dir = join(ctx.layout.layersDir, hex);
  let short: string | undefined;
  try {
    short = readFileSync(join(dir, LAYER_LINK), 'utf8').trim();
  } catch {
    short = undefined;
  }
  const doomed = tempPath(ctx.layout.tmp, 'rm-layer');
  try {
    renameSync(dir, doomed);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  const link = short === undefined ? undefined : join(ctx.layout.links, short);
  if (link !== undefined && isLinkTo(link, `../layers/${hex}/${LAYER_FILES}`)) rmSync(link, { force: true });
  const size = sizeOf(doomed);
  rmSync(doomed, { recursive: true, force: true });
  return size;
}
