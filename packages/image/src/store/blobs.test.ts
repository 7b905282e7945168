import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { openStore, tempDirs } from './test-support.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

function chunks(data: Buffer, size: number): AsyncIterable<Uint8Array> {
  return Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)),
  );
}

describe('blobs', () => {
  it('stores a blob under its digest, read-only, and reads it back', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const data = Buffer.from('{"hello":"world"}');
    const stored = await store.putBlob(data, { digest: digestOf(data), size: data.length });
    expect(stored).toEqual({ digest: digestOf(data), size: data.length });
    expect(store.hasBlob(stored.digest)).toBe(true);
    expect(store.blobPath(stored.digest)).toBe(join(root, 'blobs', 'sha256', stored.digest.slice(7)));
    expect(store.readBlob(stored.digest).toString()).toBe('{"hello":"world"}');
    expect(statSync(store.blobPath(stored.digest)).mode & 0o777).toBe(0o444);
    const streamed: Buffer[] = [];
    for await (const chunk of store.openBlob(stored.digest)) streamed.push(chunk as Buffer);
    expect(Buffer.concat(streamed).equals(data)).toBe(true);
  });

  it('refuses a wrong digest or size and stores nothing', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const data = Buffer.from('abc');
    const other = digestOf('abd');
    await expect(store.putBlob(data, { digest: other, size: 3 })).rejects.toMatchObject({ code: 'EIMAGE_DIGEST' });
    await expect(store.putBlob(data, { digest: digestOf(data), size: 4 })).rejects.toMatchObject({
      code: 'EIMAGE_SIZE',
    });
    await expect(store.putBlobStream(chunks(data, 1), { digest: other, size: 3 })).rejects.toThrow(
      `blob ${other}: the bytes' digest is ${digestOf(data)} (nothing was stored)`,
    );
    await expect(store.putBlobStream(chunks(data, 2), { digest: digestOf(data), size: 2 })).rejects.toMatchObject({
      code: 'EIMAGE_SIZE',
    });
    await expect(store.putBlob(data, { digest: 'sha256:abc' as never, size: 3 })).rejects.toThrow(
      'expected.digest: "sha256:abc" is not a digest',
    );
    expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([]);
    expect(readdirSync(join(root, 'ingest'))).toEqual([]);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(() => store.readBlob(other)).toThrow(`blob ${other}: not in the store`);
    expect(() => store.openBlob(other)).toThrow(expect.objectContaining({ code: 'EIMAGE_NOT_FOUND' }));
  });

  it('stores a stream whose digest is known only once read, and reads the input to its end when present', async () => {
    const store = openStore(dirs.make());
    const data = randomBytes(300_000);
    const stored = await store.putBlobStream(chunks(data, 65_536));
    expect(stored).toEqual({ digest: digestOf(data), size: data.length });
    expect(store.readBlob(stored.digest).equals(data)).toBe(true);
    let read = 0;
    const counted = (async function* () {
      for await (const chunk of chunks(data, 65_536)) {
        read += chunk.length;
        yield chunk;
      }
    })();
    await store.putBlobStream(counted, stored);
    expect(read).toBe(data.length);
  });

  it('resumes an interrupted ingest at the bytes already on disk', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const data = randomBytes(200_000);
    const expected = { digest: digestOf(data), size: data.length, mediaType: 'application/octet-stream' };
    const first = await store.ingest(expected);
    expect(first?.offset).toBe(0);
    await first?.write(data.subarray(0, 70_000));
    await first?.abort();
    expect(store.hasBlob(expected.digest)).toBe(false);
    expect(statSync(join(root, 'ingest', expected.digest.slice(7))).size).toBe(70_000);

    const second = await store.ingest(expected);
    expect(second?.offset).toBe(70_000);
    await second?.write(data.subarray(70_000));
    expect(await second?.commit()).toEqual(expected);
    expect(store.readBlob(expected.digest).equals(data)).toBe(true);
    expect(readdirSync(join(root, 'ingest'))).toEqual([]);
    expect(await store.ingest(expected)).toBeUndefined();
  });

  it('drops resumed bytes that turn out wrong, and a write past the size', async () => {
    const root = dirs.make();
    const store = openStore(root);
    const data = randomBytes(1000);
    const expected = { digest: digestOf(data), size: data.length };
    const first = await store.ingest(expected);
    await first?.write(randomBytes(400)); // not this blob's bytes
    await first?.abort();
    const second = await store.ingest(expected);
    expect(second?.offset).toBe(400);
    await second?.write(data.subarray(400));
    await expect(second?.commit()).rejects.toMatchObject({ code: 'EIMAGE_DIGEST' });
    expect(readdirSync(join(root, 'ingest'))).toEqual([]);
    // putBlob finds no bytes left, so it writes the blob whole.
    await store.putBlob(data);
    expect(store.readBlob(expected.digest).equals(data)).toBe(true);

    const more = randomBytes(10);
    const third = await store.ingest({ digest: digestOf(more), size: 5 });
    await expect(third?.write(more)).rejects.toThrow('more than the expected 5 bytes');
    expect(existsSync(join(root, 'ingest', digestOf(more).slice(7)))).toBe(false);
  });

  it('makes the second of two writers of one digest in a process wait, then find the blob present', async () => {
    const store = openStore(dirs.make());
    const data = randomBytes(50_000);
    const expected = { digest: digestOf(data), size: data.length };
    const first = await store.ingest(expected);
    let secondDone = false;
    const second = store.ingest(expected).then((writer) => {
      secondDone = true;
      return writer;
    });
    await first?.write(data.subarray(0, 25_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondDone).toBe(false);
    await first?.write(data.subarray(25_000));
    await first?.commit();
    expect(await second).toBeUndefined();
    expect(readFileSync(store.blobPath(expected.digest)).equals(data)).toBe(true);
  });
});
