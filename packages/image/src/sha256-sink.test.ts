import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSha256Sink, RESERVE_MAX } from './sha256-sink.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('createSha256Sink', () => {
  it('hashes chunks copied in, however they are cut', () => {
    const data = randomBytes(40 << 20);
    const sink = createSha256Sink();
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const n = Math.min(((i * 7919) % (3 << 20)) + 1, data.length - at);
      sink.update(data.subarray(at, at + n));
      at += n;
    }
    expect(sink.digest()).toBe(sha256(data));
  });

  it('hashes bytes read into its views, a view staying intact while the next is filled', () => {
    const data = randomBytes(37 << 20);
    const sink = createSha256Sink();
    let at = 0;
    let previous: { view: Uint8Array; copy: Buffer } | undefined;
    while (at < data.length) {
      const view = sink.reserve(Math.min(3 << 20, data.length - at));
      expect(view.byteLength).toBeGreaterThan(0);
      expect(view.byteLength).toBeLessThanOrEqual(RESERVE_MAX);
      const n = Math.min(view.byteLength, data.length - at);
      view.set(data.subarray(at, at + n));
      // The last committed view is as it was: a read ahead does not overwrite what is being parsed.
      if (previous) expect(Buffer.compare(previous.view, previous.copy)).toBe(0);
      sink.commit(n);
      previous = { view: view.subarray(0, n), copy: Buffer.from(view.subarray(0, n)) };
      at += n;
    }
    expect(sink.digest()).toBe(sha256(data));
  });

  it('gives the empty input its digest', () => {
    expect(createSha256Sink().digest()).toBe(sha256(new Uint8Array(0)));
  });

  it('refuses to commit more than it reserved', () => {
    const sink = createSha256Sink();
    const view = sink.reserve(10);
    expect(() => sink.commit(view.byteLength + 1)).toThrow(RangeError);
  });

  it('mixes views and chunks in order, or hashes nothing when only lending its buffers', () => {
    const data = randomBytes(1 << 20);
    const hashed = createSha256Sink();
    const view = hashed.reserve(data.length);
    view.set(data);
    hashed.commit(data.length);
    hashed.update(data);
    expect(hashed.digest()).toBe(sha256(Buffer.concat([data, data])));
    const plain = createSha256Sink({ hashed: false });
    const a = plain.reserve(100);
    const b = plain.reserve(100);
    expect(a.buffer).not.toBe(b.buffer);
    expect(plain.digest()).toBe('');
  });
});
