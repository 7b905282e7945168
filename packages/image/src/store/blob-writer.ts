import { existsSync, fchmodSync, ftruncateSync, openSync, renameSync, rmSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import type { Descriptor } from '../descriptor.js';
import type { Digest } from '../digest.js';
import { createSha256Sink, type Sha256Sink } from '../sha256-sink.js';
import { fsyncDir } from './atomic-write.js';
import { checkExpected } from './check-expected.js';
import { EIMAGE_DIGEST, EIMAGE_SIZE } from './errors.js';
import { closeFd, fsyncFd, readAt, sizeOf, writeAll } from './fs-async.js';
import type { BlobWriter } from './image-store.js';
import { markLeasedBlob } from './leased-blob.js';
import type { HeldLock } from './lock.js';
import { lockContent, lockDigest, type StoreContext } from './store-context.js';
import type { StreamingUnpack } from './unpack-into.js';

const HASH_CHUNK = 1 << 20;

/**
 * `ImageStore.ingest`: under the content lock (shared) and the blob's own
 * lock, so that two writers of one digest never interleave: the second waits
 * for the first and then finds the blob present, or its bytes to resume.
 */
export async function openIngest(
  ctx: StoreContext,
  expected: { digest: Digest; size: number; mediaType?: string },
  startUnpack?: () => StreamingUnpack | undefined,
): Promise<BlobWriter | undefined> {
  checkExpected(expected, 'ingest');
  const { layout } = ctx;
  if (existsSync(layout.blob(expected.digest))) return undefined;
  const locks: HeldLock[] = [];
  const release = () => {
    for (const lock of locks.splice(0).reverse()) lock.release();
  };
  try {
    locks.push(await lockContent(ctx, true, `ingest ${expected.digest}`));
    locks.push(await lockDigest(ctx, 'blob', expected.digest));
    if (existsSync(layout.blob(expected.digest))) {
      release();
      return undefined;
    }
    const path = layout.ingest(expected.digest);
    const fd = openSync(path, 'a+', 0o600);
    const hash = createSha256Sink();
    try {
      let offset = await sizeOf(fd);
      if (offset > expected.size) {
        ftruncateSync(fd, 0);
        offset = 0;
      }
      await hashPrefix(fd, offset, hash);
      // A resumed write has bytes the unpacker would need from disk: its layer is unpacked from the blob afterwards.
      const unpack = offset === 0 ? startUnpack?.() : undefined;
      return new IngestWriter(ctx, expected, path, fd, offset, hash, release, unpack);
    } catch (e) {
      await closeFd(fd);
      throw e;
    }
  } catch (e) {
    release();
    throw e;
  }
}

async function hashPrefix(fd: number, length: number, hash: Sha256Sink): Promise<void> {
  const buffer = new Uint8Array(Math.min(HASH_CHUNK, Math.max(length, 1)));
  for (let at = 0; at < length; ) {
    const bytes = await readAt(fd, buffer.subarray(0, Math.min(buffer.length, length - at)), at);
    if (bytes === 0) break;
    hash.update(buffer.subarray(0, bytes));
    at += bytes;
  }
}

class IngestWriter implements BlobWriter {
  private written: number;
  private open = true;

  constructor(
    private readonly ctx: StoreContext,
    private readonly expected: { digest: Digest; size: number; mediaType?: string },
    private readonly path: string,
    private readonly fd: number,
    readonly offset: number,
    private readonly hash: Sha256Sink,
    private readonly releaseLocks: () => void,
    private unpack: StreamingUnpack | undefined,
  ) {
    this.written = offset;
  }

  async write(data: Uint8Array | readonly Uint8Array[]): Promise<void> {
    this.assertOpen();
    const chunks: readonly Uint8Array[] = data instanceof Uint8Array ? [data] : data;
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    if (length === 0) return;
    if (this.written + length > this.expected.size) {
      await this.finish(true);
      throw new GcError(
        EIMAGE_SIZE,
        `blob ${this.expected.digest}: more than the expected ${this.expected.size} bytes (nothing was stored)`,
      );
    }
    let behind: Promise<void> | undefined;
    for (const chunk of chunks) {
      behind = this.unpack?.write(chunk) ?? behind;
      this.hash.update(chunk);
    }
    try {
      await writeAll(this.fd, chunks);
    } catch (e) {
      await this.finish(false);
      throw e;
    }
    this.written += length;
    if (behind !== undefined) await behind;
  }

  async commit(): Promise<Descriptor> {
    this.assertOpen();
    const { digest, size } = this.expected;
    if (this.written !== size) {
      await this.finish(true);
      throw new GcError(EIMAGE_SIZE, `blob ${digest}: ${this.written} bytes, expected ${size} (nothing was stored)`);
    }
    const actual = `sha256:${this.hash.digest()}`;
    if (actual !== digest) {
      await this.finish(true);
      throw new GcError(EIMAGE_DIGEST, `blob ${digest}: the bytes' digest is ${actual} (nothing was stored)`);
    }
    try {
      await fsyncFd(this.fd);
      fchmodSync(this.fd, 0o444);
      renameSync(this.path, this.ctx.layout.blob(digest));
      markLeasedBlob(this.ctx, this.ctx.layout.blob(digest));
      fsyncDir(this.ctx.layout.blobs);
      const unpack = this.unpack;
      this.unpack = undefined;
      // Under this writer's content lock still, so that no prune sees the layer half made.
      await unpack?.finish();
    } finally {
      await this.finish(false);
    }
    return { mediaType: this.expected.mediaType ?? 'application/octet-stream', digest, size };
  }

  async abort(options: { discard?: boolean } = {}): Promise<void> {
    if (!this.open) return;
    await this.finish(options.discard === true);
  }

  private async finish(discard: boolean): Promise<void> {
    this.open = false;
    this.unpack?.abort();
    this.unpack = undefined;
    try {
      await closeFd(this.fd);
      if (discard) rmSync(this.path, { force: true });
    } finally {
      this.releaseLocks();
    }
  }

  private assertOpen(): void {
    if (!this.open) throw new Error(`blob ${this.expected.digest}: the writer was committed or aborted already`);
  }
}
