import { describe, expect, it } from 'vitest';
import type { BlobWriter } from '../store/image-store.js';
import { createBatchedWrite } from './batched-write.js';

/** A writer that takes `delay` ms per write and records what it was given. */
function slowWriter(delay: number, failAt = -1) {
  const writes: Buffer[] = [];
  let inFlight = 0;
  let most = 0;
  const writer: BlobWriter = {
    offset: 0,
    async write(data) {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight--;
      if (writes.length === failAt) throw new Error('disk full');
      writes.push(Buffer.concat(data instanceof Uint8Array ? [data] : [...data]));
    },
    commit: () => Promise.reject(new Error('not used')),
    abort: async () => {},
  };
  return { writer, writes, most: () => most };
}

async function pushAll(batch: ReturnType<typeof createBatchedWrite>, chunks: Buffer[]) {
  for (const chunk of chunks) await batch.push(chunk);
  await batch.flush();
}

describe('createBatchedWrite', () => {
  const chunks = Array.from({ length: 100 }, (_, i) => Buffer.alloc(54_321, i));

  it('writes every byte in order, in batches of about 1 MiB, one write at a time', async () => {
    const { writer, writes, most } = slowWriter(2);
    await pushAll(createBatchedWrite(writer), chunks);
    expect(Buffer.concat(writes).equals(Buffer.concat(chunks))).toBe(true);
    expect(writes.length).toBe(Math.ceil(chunks.length / Math.ceil((1 << 20) / 54_321)));
    expect(most()).toBe(1);
  });

  it('throws a failed write from a later push or the flush', async () => {
    const { writer } = slowWriter(1, 2);
    await expect(pushAll(createBatchedWrite(writer), chunks)).rejects.toThrow('disk full');
  });
});
