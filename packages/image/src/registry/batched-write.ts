import type { BlobWriter } from '../store/image-store.js';

/** Bytes gathered before one write: few, large writes, each overlapping the reads of the next. */
const BATCH_BYTES = 1 << 20;

/**
 * Writes into a BlobWriter in large batches (the chunks of one batch in one
 * writev, not copied together), one write in flight while the next batch
 * arrives, so that a download's reads from the network and the store's
 * writes overlap instead of taking turns per small chunk.
 */
export interface BatchedWrite {
  /**
   * Queue `chunk`. Undefined, or a promise when a full batch has to wait for
   * the write before it: await it before the next push.
   */
  push(chunk: Uint8Array): Promise<void> | undefined;
  /** Write what is queued and wait for every write: then the writer holds every byte pushed. */
  flush(): Promise<void>;
}

export function createBatchedWrite(writer: BlobWriter): BatchedWrite {
  let queued: Uint8Array[] = [];
  let queuedBytes = 0;
  let inFlight: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;

  function start(chunks: Uint8Array[]): void {
    const write = writer.write(chunks).then(
      () => {
        if (inFlight === write) inFlight = undefined;
      },
      (error: unknown) => {
        failure ??= { error };
        if (inFlight === write) inFlight = undefined;
      },
    );
    inFlight = write;
  }

  async function submitAfter(previous: Promise<void>): Promise<void> {
    await previous;
    if (failure !== undefined) throw failure.error;
    submit();
  }

  /** Start the queued batch's write now, or after the one in flight (returned to await). */
  function submit(): Promise<void> | undefined {
    if (failure !== undefined) return Promise.reject(failure.error);
    if (inFlight !== undefined) return submitAfter(inFlight);
    const chunks = queued;
    queued = [];
    queuedBytes = 0;
    start(chunks);
    return undefined;
  }

  return {
    push(chunk) {
      if (failure !== undefined) return Promise.reject(failure.error);
      queued.push(chunk);
      queuedBytes += chunk.length;
      return queuedBytes >= BATCH_BYTES ? submit() : undefined;
    },
    async flush() {
      while (queuedBytes > 0 || inFlight !== undefined) {
        if (queuedBytes > 0) await (submit() ?? inFlight);
        else await inFlight;
      }
      if (failure !== undefined) throw failure.error;
    },
  };
}
