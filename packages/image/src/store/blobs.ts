import { createHash } from 'node:crypto';
import { existsSync, fchmodSync, openSync, renameSync, rmSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import { type Digest, digestOf } from '../digest.js';
import { fsyncDir, tempPath } from './atomic-write.js';
import { openIngest } from './blob-writer.js';
import { checkExpected } from './check-expected.js';
import { EIMAGE_DIGEST, EIMAGE_SIZE } from './errors.js';
import { closeFd, fsyncFd, writeAll } from './fs-async.js';
import { markLeasedBlob } from './leased-blob.js';
import { lockDigest, type StoreContext, withContent } from './store-context.js';

export type BlobRef = { digest: Digest; size: number };

/** `ImageStore.putBlob`: checked before anything is written, so a wrong digest or size stores nothing. */
export async function putBlob(ctx: StoreContext, data: Uint8Array, expected?: BlobRef): Promise<BlobRef> {
  const found = { digest: digestOf(data), size: data.length };
  if (expected !== undefined) checkAgainst(found, expected);
  for (let attempt = 0; ; attempt++) {
    const writer = await openIngest(ctx, found);
    if (writer === undefined) return found;
    try {
      await writer.write(data.subarray(writer.offset));
      await writer.commit();
      return found;
    } catch (e) {
      // Bytes of an earlier write that were not this blob's: the commit dropped them; write it whole.
      if (attempt === 0 && writer.offset > 0 && GcError.isInstance(e) && e.code === EIMAGE_DIGEST) continue;
      throw e;
    }
  }
}

function checkAgainst(found: BlobRef, expected: BlobRef): void {
  checkExpected(expected, 'expected');
  if (found.size !== expected.size) {
    throw new GcError(EIMAGE_SIZE, `blob ${expected.digest}: ${found.size} bytes, expected ${expected.size}`);
  }
  if (found.digest !== expected.digest) {
    throw new GcError(EIMAGE_DIGEST, `blob ${expected.digest}: the bytes' digest is ${found.digest}`);
  }
}

/**
 * `ImageStore.putBlobStream`. With `expected`, a resumable ingest (the bytes
 * an earlier write left are skipped in `input`); without, the bytes go to a
 * temp file whose digest names the blob once read. `input` is always read
 * to its end, so that a caller walking an archive can go on to its next entry.
 */
export async function putBlobStream(
  ctx: StoreContext,
  input: AsyncIterable<Uint8Array>,
  expected?: BlobRef,
): Promise<BlobRef> {
  if (expected !== undefined) return ingestStream(ctx, input, expected);
  return withContent(ctx, 'store a blob', async () => {
    const temp = tempPath(ctx.layout.tmp, 'blob');
    const fd = openSync(temp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    try {
      try {
        for await (const chunk of input) {
          await writeAll(fd, chunk);
          hash.update(chunk);
          size += chunk.length;
        }
        await fsyncFd(fd);
        fchmodSync(fd, 0o444);
      } finally {
        await closeFd(fd);
      }
      const digest: Digest = `sha256:${hash.digest('hex')}`;
      const lock = await lockDigest(ctx, 'blob', digest);
      try {
        if (existsSync(ctx.layout.blob(digest))) {
          rmSync(temp, { force: true });
        } else {
          renameSync(temp, ctx.layout.blob(digest));
          markLeasedBlob(ctx, ctx.layout.blob(digest));
          fsyncDir(ctx.layout.blobs);
        }
      } finally {
        lock.release();
      }
      return { digest, size };
    } catch (e) {
      rmSync(temp, { force: true });
      throw e;
    }
  });
}

async function ingestStream(ctx: StoreContext, input: AsyncIterable<Uint8Array>, expected: BlobRef): Promise<BlobRef> {
  const writer = await openIngest(ctx, expected);
  if (writer === undefined) {
    for await (const _ of input); // present already: read past it
    return { digest: expected.digest, size: expected.size };
  }
  let skip = writer.offset;
  try {
    for await (const chunk of input) {
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      await writer.write(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.commit();
  return { digest: expected.digest, size: expected.size };
}
