import { Worker } from 'node:worker_threads';
import type { Digest } from '../digest.js';

/** A sha256 of bytes as they flow, and their count. */
export interface Digester {
  /**
   * Take a copy of `chunk` to hash: at once (undefined), or a promise when
   * the hashing thread is behind, to await before the next update.
   */
  update(chunk: Uint8Array): Promise<void> | undefined;
  digest(): Promise<{ digest: Digest; size: number }>;
  destroy(): void;
}

// CommonJS, evaluated by the worker. It hashes the ring's bytes as each
// message says (a length, or null for the end) and answers with the length.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
const ring = new Uint8Array(workerData);
let at = 0;
parentPort.on('message', (bytes) => {
  if (bytes === null) return parentPort.postMessage(hash.digest('hex'));
  let length = bytes;
  while (length > 0) {
    const n = Math.min(length, ring.length - at);
    hash.update(ring.subarray(at, at + n));
    at = (at + n) % ring.length;
    length -= n;
  }
  parentPort.postMessage(bytes);
});
`;
/** Bytes of the ring the chunks are copied into. */
const RING = 16 << 20;
/** The largest piece sent at once: a big chunk goes in parts so the ring never holds less than it needs. */
const PIECE = RING / 4;
/** Bytes copied in before the worker is told: a message per small chunk costs more than hashing it. */
const POST_BYTES = 1 << 20;

/**
 * The layer's sha256 in a worker thread: hashing is the costliest step of an
 * unpack and would otherwise run on the thread that parses and writes; in a
 * worker it runs beside them. Each chunk is copied once, into a ring of
 * shared memory (pages touched once: fresh buffers would fault on every copy).
 */
export function createDigester(): Digester {
  const shared = new SharedArrayBuffer(RING);
  const ring = new Uint8Array(shared);
  // No execArgv: a parent's `--input-type=module` would make the worker's CommonJS an ES module.
  const worker = new Worker(WORKER, { eval: true, workerData: shared, execArgv: [] });
  let size = 0;
  /** Bytes copied in and not yet hashed. */
  let pending = 0;
  let written = 0;
  /** Bytes copied in that the worker has not been told of. */
  let unposted = 0;
  let failed: Error | undefined;
  let room: (() => void) | undefined;
  let finish: ((hex: string) => void) | undefined;
  let need = 0;
  worker.on('message', (m: number | string) => {
    if (typeof m === 'string') return finish?.(m);
    pending -= m;
    if (room && RING - pending >= need) {
      const wake = room;
      room = undefined;
      wake();
    }
  });
  worker.on('error', (e) => {
    failed = e;
    room?.();
  });

  const put = (piece: Uint8Array) => {
    const first = Math.min(piece.byteLength, RING - written);
    ring.set(first === piece.byteLength ? piece : piece.subarray(0, first), written);
    if (first < piece.byteLength) ring.set(piece.subarray(first), 0);
    written = (written + piece.byteLength) % RING;
    pending += piece.byteLength;
    unposted += piece.byteLength;
    if (unposted >= POST_BYTES) post();
  };
  const post = () => {
    if (unposted === 0) return;
    worker.postMessage(unposted);
    unposted = 0;
  };
  const waitRoom = (bytes: number) =>
    new Promise<void>((resolve, reject) => {
      // What waits for room must be hashed first.
      post();
      need = bytes;
      room = () => (failed ? reject(failed) : resolve());
    });

  return {
    update(chunk) {
      if (failed) return Promise.reject(failed);
      size += chunk.byteLength;

      if (chunk.byteLength <= PIECE && RING - pending >= chunk.byteLength) {
        put(chunk);
        return undefined;
      }
      return (async () => {
        for (let at = 0; at < chunk.byteLength; at += PIECE) {
          const piece = chunk.subarray(at, Math.min(at + PIECE, chunk.byteLength));
          while (RING - pending < piece.byteLength) await waitRoom(piece.byteLength);
          put(piece);
        }
      })();
    },
    digest() {
      return new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        worker.once('error', reject);
        finish = (hex) => {
          void worker.terminate();
          resolve({ digest: `sha256:${hex}`, size });
        };
        post();
        worker.postMessage(null);
      });
    },
    destroy() {
      void worker.terminate();
    },
  };
}
