import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Digest } from '../digest.js';
import { decompress } from '../unpack/decompress.js';

/** Bytes of the uncompressed stream kept to check it is a tar. */
const HEAD_BYTES = 512;

/**
 * The sha256 of a layer's uncompressed tar (its diff ID), fed the layer as
 * stored, compressed or not (the unpacker's decompress sniffs which), chunk
 * by chunk as it flows to the store.
 */
export interface DiffIdHasher {
  write(chunk: Uint8Array): Promise<void>;
  /** The diff ID, the uncompressed size and the first bytes of the tar. */
  end(): Promise<{ diffId: Digest; size: number; head: Buffer }>;
}

export function createDiffIdHasher(): DiffIdHasher {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const input = new PassThrough();
  const hashing = (async () => {
    const decompressed = await decompress(input, 'none');
    try {
      for await (const chunk of decompressed.output as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
      }
      await decompressed.finished;
    } catch (error) {
      decompressed.destroy();
      throw error;
    }
  })();
  // A failure shows at the next write or at end; until then it must not go unhandled.
  hashing.catch(() => {});
  return {
    async write(chunk) {
      if (!input.write(chunk)) await Promise.race([once(input, 'drain'), hashing]);
    },
    async end() {
      input.end();
      await hashing;
      return { diffId: `sha256:${hash.digest('hex')}`, size, head };
    },
  };
}
