import { describe, expect, it } from 'vitest';
import {
  createFrameDecoder,
  encodeFrame,
  exitCodeOf,
  exitFrame,
  FRAME_EXIT,
  FRAME_RESIZE,
  FRAME_STDIN_CLOSED,
  FRAME_STDOUT,
  resizeFrame,
  resizeOf,
} from './attach-frame.js';

describe('attach frames', () => {
  it("encodes Docker's stdcopy header: kind, three zero bytes, the length big-endian", () => {
    expect([...encodeFrame(FRAME_STDOUT, Buffer.from('hi'))]).toEqual([1, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
    expect([...encodeFrame(FRAME_STDIN_CLOSED)]).toEqual([4, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('encodes a resize as rows then columns, u16 big-endian', () => {
    const frame = resizeFrame(40, 132);
    expect([...frame]).toEqual([3, 0, 0, 0, 0, 0, 0, 4, 0, 40, 0, 132]);
    const [decoded] = createFrameDecoder().push(frame);
    expect(decoded?.kind).toBe(FRAME_RESIZE);
    expect(resizeOf(decoded as never)).toEqual({ rows: 40, columns: 132 });
  });

  it('decodes an exit code, negative ones too', () => {
    const frames = createFrameDecoder().push(Buffer.concat([exitFrame(137), exitFrame(-1)]));
    expect(frames.map((f) => [f.kind, exitCodeOf(f)])).toEqual([
      [FRAME_EXIT, 137],
      [FRAME_EXIT, -1],
    ]);
  });

  it('decodes frames whatever the chunks, one byte at a time included', () => {
    const stream = Buffer.concat([
      encodeFrame(1, Buffer.from('hello ')),
      encodeFrame(2, Buffer.from('oops')),
      encodeFrame(1, Buffer.alloc(0)),
      exitFrame(3),
    ]);
    for (const size of [1, 3, 7, 8, 9, stream.length]) {
      const decoder = createFrameDecoder();
      const frames = [];
      for (let i = 0; i < stream.length; i += size) frames.push(...decoder.push(stream.subarray(i, i + size)));
      expect(frames.map((f) => [f.kind, f.payload.toString()])).toEqual([
        [1, 'hello '],
        [2, 'oops'],
        [1, ''],
        [5, '\0\0\0\x03'],
      ]);
      expect(decoder.pending).toBe(0);
    }
  });

  it('holds an unfinished frame until the rest comes', () => {
    const decoder = createFrameDecoder();
    const frame = encodeFrame(1, Buffer.from('abcdef'));
    expect(decoder.push(frame.subarray(0, 10))).toEqual([]);
    expect(decoder.pending).toBe(10);
    expect(decoder.push(frame.subarray(10)).map((f) => f.payload.toString())).toEqual(['abcdef']);
  });

  it('refuses a header that is not one of the protocol', () => {
    expect(() => createFrameDecoder().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/not a frame header/);
    expect(() => createFrameDecoder().push(Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]))).toThrow(/not a frame header/);
    expect(() => createFrameDecoder().push(Buffer.from([1, 0, 0, 0, 0x7f, 0, 0, 0]))).toThrow(/a frame of \d+ bytes/);
    expect(() => exitCodeOf({ kind: 5, payload: Buffer.alloc(2) })).toThrow(/exit frame of 2 bytes/);
  });
});
