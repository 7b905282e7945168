import { createReadStream, existsSync, openSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { GcError } from '@gc/syscall';
import { type Digest, parseDigest } from '../digest-text.js';
import { EIMAGE_NOT_FOUND } from './errors.js';
import type { StoreContext } from './store-context.js';

// The blobs as files, read: apart from their writing (blobs.ts), which loads node:crypto.

export function hasBlob(ctx: StoreContext, digest: Digest): boolean {
  return existsSync(ctx.layout.blob(parseDigest(digest, 'digest')));
}

export function readBlob(ctx: StoreContext, digest: Digest): Buffer {
  try {
    return readFileSync(ctx.layout.blob(parseDigest(digest, 'digest')));
  } catch (e) {
    throw notFound(digest, e);
  }
}

/** Opened now, so that a missing blob throws here rather than on the stream. */
export function openBlob(ctx: StoreContext, digest: Digest): Readable {
  const path = ctx.layout.blob(parseDigest(digest, 'digest'));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw notFound(digest, e);
  }
  return createReadStream(path, { fd });
}

function notFound(digest: Digest, cause: unknown): unknown {
  if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') return cause;
  return new GcError(EIMAGE_NOT_FOUND, `blob ${digest}: not in the store`, { cause });
}

export function blobPathOf(ctx: StoreContext, digest: Digest): string {
  return ctx.layout.blob(parseDigest(digest, 'digest'));
}
