import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSha256Ring, inThread, RESERVE_MAX } from './sha256-ring.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('createSha256Ring', () => {
  it('hashes chunks copied in, however they are cut, across the ring wrapping around', async () => {
    // More than the ring holds (16 MiB), in odd sizes, so that copies wrap and wait for room.
    const data = randomBytes(40 << 20);
    const ring = createSha256Ring({ thread: true });
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const n = Math.min(((i * 7919) % (3 << 20)) + 1, data.length - at);
      await ring.update(data.subarray(at, at + n));
      at += n;
    }
    expect(await ring.digest()).toBe(sha256(data));
  });

  it('hashes bytes read into its views, a view staying intact while the next is filled', async () => {
    const data = randomBytes(37 << 20);
    const ring = createSha256Ring({ thread: true });
    let at = 0;
    let previous: { view: Uint8Array; copy: Buffer } | undefined;
    while (at < data.length) {
      const view = await ring.reserve(Math.min(3 << 20, data.length - at));
      expect(view.byteLength).toBeGreaterThan(0);
      expect(view.byteLength).toBeLessThanOrEqual(RESERVE_MAX);
      const n = Math.min(view.byteLength, data.length - at);
      view.set(data.subarray(at, at + n));
      // The last committed view is as it was: a read ahead does not overwrite what is being parsed.
      if (previous) expect(Buffer.compare(previous.view, previous.copy)).toBe(0);
      ring.commit(n);
      previous = { view: view.subarray(0, n), copy: Buffer.from(view.subarray(0, n)) };
      at += n;
    }
    expect(await ring.digest()).toBe(sha256(data));
  });

  it('gives the empty input its digest, and ends its thread when destroyed', async () => {
    expect(await createSha256Ring({ thread: true }).digest()).toBe(sha256(new Uint8Array(0)));
    const ring = createSha256Ring({ thread: true });
    ring.update(Buffer.from('abc'));
    ring.destroy();
    await expect(ring.digest()).rejects.toThrow();
  });

  it('hashes several rings at once on its one thread, each its own bytes', async () => {
    const inputs = [randomBytes(20 << 20), randomBytes(3 << 20), Buffer.alloc(0), randomBytes(18 << 20)];
    const rings = inputs.map(() => createSha256Ring({ thread: true }));
    const chunk = 1 << 20;
    for (let at = 0; inputs.some((data) => at < data.length); at += chunk) {
      await Promise.all(
        inputs.map((data, i) => (at < data.length ? rings[i]?.update(data.subarray(at, at + chunk)) : undefined)),
      );
    }
    expect(await Promise.all(rings.map((ring) => ring.digest()))).toEqual(inputs.map(sha256));
  });

  it('refuses to commit more than it reserved', async () => {
    const ring = createSha256Ring({ thread: true });
    const view = await ring.reserve(10);
    expect(() => ring.commit(view.byteLength + 1)).toThrow(RangeError);
    ring.destroy();
  });
});

it('hashes on this thread where told not to start one', async () => {
  const ring = createSha256Ring({ thread: false });
  await ring.update(Buffer.from('abc'));
  expect(await ring.digest()).toBe(sha256(Buffer.from('abc')));
});

describe('inThread', () => {
  it('hashes on this thread with the same calls, or hashes nothing for reused buffers', async () => {
    const data = randomBytes(1 << 20);
    const hashed = inThread(createHash('sha256'));
    const view = await hashed.reserve(data.length);
    view.set(data);
    hashed.commit(data.length);
    hashed.update(data);
    expect(await hashed.digest()).toBe(sha256(Buffer.concat([data, data])));
    const plain = inThread(undefined);
    const a = await plain.reserve(100);
    const b = await plain.reserve(100);
    expect(a.buffer).not.toBe(b.buffer);
    expect(await plain.digest()).toBe('');
  });
});
