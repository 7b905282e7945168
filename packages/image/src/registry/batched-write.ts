import type { BlobWriter } from '../store/image-store.js';

/** Bytes gathered before one write: few, large writes, each overlapping the reads of the next. */
const BATCH_BYTES = 1 << 20;

/**
 * Writes into a BlobWriter in large batches, one write in flight while the
 * next batch arrives, so that a download's reads from the network and the
 * store's writes and hashing overlap instead of taking turns per small chunk.
 */
export interface BatchedWrite {
  /** Queue `chunk`; waits only when a full batch has to wait for the write before it. */
  push(chunk: Uint8Array): Promise<void>;
  /** Write what is queued and wait for every write: then the writer holds every byte pushed. */
  flush(): Promise<void>;
}

export function createBatchedWrite(writer: BlobWriter): BatchedWrite {
  let queued: Uint8Array[] = [];
  let queuedBytes = 0;
  let inFlight: Promise<void> = Promise.resolve();

  async function submit(): Promise<void> {
    const data = queued.length === 1 ? (queued[0] as Uint8Array) : Buffer.concat(queued, queuedBytes);
    queued = [];
    queuedBytes = 0;
    await inFlight;
    inFlight = writer.write(data);
    // Its failure is thrown by the next push or flush, which await it.
    inFlight.catch(() => undefined);
  }

  return {
    async push(chunk) {
      queued.push(chunk);
      queuedBytes += chunk.length;
      if (queuedBytes >= BATCH_BYTES) await submit();
    },
    async flush() {
      if (queuedBytes > 0) await submit();
      await inFlight;
    },
  };
}
