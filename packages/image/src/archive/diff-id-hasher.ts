import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { Digest } from '../digest.js';
import type { Compression } from '../media-types.js';

/** Bytes of the uncompressed stream kept to check it is a tar. */
const HEAD_BYTES = 512;

/**
 * The sha256 of a layer's uncompressed tar (its diff ID), fed the layer as
 * stored, compressed or not, chunk by chunk as it flows to the store.
 */
export interface DiffIdHasher {
  write(chunk: Uint8Array): Promise<void>;
  /** The diff ID, the uncompressed size and the first bytes of the tar. */
  end(): Promise<{ diffId: Digest; size: number; head: Buffer }>;
}

export function createDiffIdHasher(compression: Compression): DiffIdHasher {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const take = (data: Uint8Array) => {
    hash.update(data);
    size += data.length;
    if (head.length < HEAD_BYTES) head = Buffer.concat([head, data.subarray(0, HEAD_BYTES - head.length)]);
  };
  const result = () => ({ diffId: `sha256:${hash.digest('hex')}` as Digest, size, head });
  if (compression === 'none') {
    return {
      async write(chunk) {
        take(chunk);
      },
      async end() {
        return result();
      },
    };
  }
  if (compression === 'zstd') {
    const zstd = new Decompress((data) => take(data));
    return {
      async write(chunk) {
        zstd.push(chunk);
      },
      async end() {
        zstd.push(new Uint8Array(0), true);
        return result();
      },
    };
  }
  const gunzip = createGunzip();
  let failure: unknown;
  gunzip.on('data', take);
  gunzip.on('error', (error) => {
    failure = error;
  });
  return {
    async write(chunk) {
      if (failure !== undefined) throw failure;
      if (!gunzip.write(chunk)) await Promise.race([once(gunzip, 'drain'), once(gunzip, 'error')]);
      if (failure !== undefined) throw failure;
    },
    async end() {
      gunzip.end();
      if (failure === undefined) await Promise.race([once(gunzip, 'end'), once(gunzip, 'error')]).catch(() => {});
      if (failure !== undefined) throw failure;
      return result();
    },
  };
}
