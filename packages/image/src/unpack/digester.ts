import { createHash } from 'node:crypto';
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

/** Atomics.waitAsync (Node 16+; typed in a later lib than this project's). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/** Bytes of the ring the chunks are copied into. */
const RING = 16 << 20;
/** The most the worker hashes before it says so (the room it frees). */
const PIECE = 1 << 20;

// Words of the control array shared with the worker. Byte counts are kept
// modulo 2^32 (Int32 words), their differences read as unsigned: the ring is
// far smaller than 2^31.
/** Bytes copied into the ring. */
const WRITTEN = 0;
/** Bytes the worker hashed. */
const HASHED = 1;
/** 1 once no more bytes come. */
const ENDED = 2;
/** 1 once the worker runs. */
const ONLINE = 3;
/** Bumped at each write and at the end: what the worker waits on. */
const POSTED = 4;

// CommonJS, evaluated by the worker: it hashes the ring as WRITTEN grows,
// until ENDED, then posts the hex digest.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
const ring = new Uint8Array(workerData.ring);
const ctl = new Int32Array(workerData.ctl);
let hashed = 0;
Atomics.store(ctl, ${ONLINE}, 1);
for (;;) {
  const posted = Atomics.load(ctl, ${POSTED});
  let ready = (Atomics.load(ctl, ${WRITTEN}) - hashed) >>> 0;
  if (ready === 0) {
    if (Atomics.load(ctl, ${ENDED}) === 1) break;
    Atomics.wait(ctl, ${POSTED}, posted);
    continue;
  }
  while (ready > 0) {
    const at = (hashed >>> 0) % ring.length;
    const n = Math.min(ready, ring.length - at, ${PIECE});
    hash.update(ring.subarray(at, at + n));
    hashed = (hashed + n) | 0;
    ready -= n;
    Atomics.store(ctl, ${HASHED}, hashed);
    Atomics.notify(ctl, ${HASHED});
  }
}
parentPort.postMessage(hash.digest('hex'));
`;

/**
 * The layer's sha256 in a worker thread, beside the thread that parses and
 * writes: hashing a big layer costs that thread about as much as writing
 * it. Each chunk is copied once into a ring of shared memory (its pages
 * touched once: fresh buffers would fault on every copy); the threads meet
 * through Atomics on shared counters, with no message per chunk. A small
 * layer, all of it read before the worker is up, is hashed here instead
 * and the worker let go: its start would cost more than the hashing.
 */
export function createDigester(): Digester {
  const ringBuffer = new SharedArrayBuffer(RING);
  const ring = new Uint8Array(ringBuffer);
  const ctlBuffer = new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT);
  const ctl = new Int32Array(ctlBuffer);
  // No execArgv: a parent's `--input-type=module` would make the worker's CommonJS an ES module.
  const worker = new Worker(WORKER, { eval: true, workerData: { ring: ringBuffer, ctl: ctlBuffer }, execArgv: [] });
  let failed: Error | undefined;
  let result: ((hex: string) => void) | undefined;
  worker.on('error', (e) => {
    failed = e;
    // Wake a wait for room, which then sees the failure.
    Atomics.notify(ctl, HASHED);
  });
  worker.on('message', (hex: string) => result?.(hex));
  let size = 0;
  /** Bytes written, modulo 2^32 as in ctl. */
  let written = 0;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void worker.terminate();
  };

  const room = () => RING - ((written - Atomics.load(ctl, HASHED)) >>> 0);
  const put = (piece: Uint8Array) => {
    const at = (written >>> 0) % RING;
    const first = Math.min(piece.byteLength, RING - at);
    ring.set(first === piece.byteLength ? piece : piece.subarray(0, first), at);
    if (first < piece.byteLength) ring.set(piece.subarray(first), 0);
    written = (written + piece.byteLength) | 0;
    Atomics.store(ctl, WRITTEN, written);
    Atomics.add(ctl, POSTED, 1);
    Atomics.notify(ctl, POSTED);
  };
  const waitRoom = async (bytes: number) => {
    for (;;) {
      if (failed) throw failed;
      const hashed = Atomics.load(ctl, HASHED);
      if (RING - ((written - hashed) >>> 0) >= bytes) return;
      const wait = waitAsync(ctl, HASHED, hashed);
      if (wait.async) await wait.value;
    }
  };

  return {
    update(chunk) {
      if (failed) return Promise.reject(failed);
      size += chunk.byteLength;
      if (chunk.byteLength <= PIECE && room() >= chunk.byteLength) {
        put(chunk);
        return undefined;
      }
      return (async () => {
        for (let at = 0; at < chunk.byteLength; at += PIECE) {
          const piece = chunk.subarray(at, Math.min(at + PIECE, chunk.byteLength));
          await waitRoom(piece.byteLength);
          put(piece);
        }
      })();
    },
    async digest() {
      if (failed) throw failed;
      if (Atomics.load(ctl, ONLINE) === 0 && size <= RING) {
        stop();
        return { digest: `sha256:${createHash('sha256').update(ring.subarray(0, size)).digest('hex')}`, size };
      }
      const hex = await new Promise<string>((resolve, reject) => {
        result = resolve;
        worker.once('error', reject);
        Atomics.store(ctl, ENDED, 1);
        Atomics.add(ctl, POSTED, 1);
        Atomics.notify(ctl, POSTED);
      });
      stop();
      return { digest: `sha256:${hex}`, size };
    },
    destroy: stop,
  };
}
