import { createHash, type Hash } from 'node:crypto';

/**
 * A sha256 of bytes the caller either reads straight into the sink's own
 * buffers (`reserve`, `commit`: nothing is copied for the hash) or hands
 * over in chunks (`update`), hashed on this thread as they come.
 */
export interface Sha256Sink {
  /**
   * Room for the next bytes: a view of 1 to `max` (at most RESERVE_MAX)
   * bytes. The caller fills it and commits what it filled; the view's bytes
   * stay as they are while the next view is reserved and filled (a read
   * ahead), until the one after.
   */
  reserve(max: number): Uint8Array;
  /** The first `n` bytes of the last reserved view are the next of the input. */
  commit(n: number): void;
  update(chunk: Uint8Array): void;
  /** The sha256 (hex) of the bytes committed. */
  digest(): string;
}

/** The most one reserve() gives. */
export const RESERVE_MAX = 4 << 20;

/** A sha256 of what is committed; `hashed: false` only lends the buffers (bytes verified already). */
export function createSha256Sink({ hashed = true }: { hashed?: boolean } = {}): Sha256Sink {
  const hash: Hash | undefined = hashed ? createHash('sha256') : undefined;
  const buffers = [Buffer.alloc(0), Buffer.alloc(0)];
  let turn = 0;
  let last: Buffer = Buffer.alloc(0);
  let reserved = 0;
  return {
    reserve(max) {
      const n = Math.max(1, Math.min(max, RESERVE_MAX));
      turn ^= 1;
      if ((buffers[turn] as Buffer).byteLength < n) buffers[turn] = Buffer.allocUnsafeSlow(n);
      last = buffers[turn] as Buffer;
      reserved = n;
      return last.subarray(0, n);
    },
    commit(n) {
      if (n > reserved) throw new RangeError(`commit(${n}): only ${reserved} bytes were reserved`);
      reserved = 0;
      hash?.update(last.subarray(0, n));
    },
    update(chunk) {
      hash?.update(chunk);
    },
    digest: () => (hash ? hash.digest('hex') : ''),
  };
}
