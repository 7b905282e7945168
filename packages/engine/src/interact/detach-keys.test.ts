import { describe, expect, it } from 'vitest';
import { createDetachMatcher, DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('parseDetachKeys', () => {
  it("reads Docker's default as Ctrl-P Ctrl-Q", () => {
    expect([...parseDetachKeys(DEFAULT_DETACH_KEYS)]).toEqual([0x10, 0x11]);
  });

  it('reads ctrl-<key> for a-z and @ [ \\ ] ^ _, case-insensitively, and single characters as themselves', () => {
    expect([...parseDetachKeys('ctrl-@,ctrl-a,CTRL-Z,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')]).toEqual([
      0, 1, 26, 27, 28, 29, 30, 31,
    ]);
    expect([...parseDetachKeys('a,b,ctrl-x')]).toEqual([0x61, 0x62, 0x18]);
  });

  it('refuses what is neither, naming the key', () => {
    expect(() => parseDetachKeys('ctrl-1')).toThrow(/unknown key "ctrl-1"/);
    expect(() => parseDetachKeys('ctrl-p,,ctrl-q')).toThrow(/unknown key ""/);
    expect(() => parseDetachKeys('alt-x')).toThrow(/--detach-keys: invalid detach keys "alt-x"/);
    expect(() => parseDetachKeys('ctrl-')).toThrow(/unknown key "ctrl-"/);
  });
});

describe('createDetachMatcher', () => {
  const keys = parseDetachKeys('ctrl-p,ctrl-q');

  it('passes ordinary input on as it comes', () => {
    const m = createDetachMatcher(keys);
    expect(m.scan(text('ls -l\r'))).toEqual({ forward: text('ls -l\r'), detached: false });
  });

  it('detaches on the sequence, passing on what was typed before it and none of it', () => {
    const m = createDetachMatcher(keys);
    const scan = m.scan(bytes(0x61, 0x10, 0x11, 0x62));
    expect(scan.detached).toBe(true);
    expect([...scan.forward]).toEqual([0x61]);
  });

  it('matches across chunk boundaries, holding a partial sequence back until it is decided', () => {
    const m = createDetachMatcher(keys);
    expect([...m.scan(bytes(0x61, 0x10)).forward]).toEqual([0x61]);
    expect(m.scan(bytes(0x11))).toEqual({ forward: bytes(), detached: true });
  });

  it('passes a broken partial sequence on whole, in order', () => {
    const m = createDetachMatcher(keys);
    expect([...m.scan(bytes(0x10)).forward]).toEqual([]);
    const scan = m.scan(bytes(0x78));
    expect(scan.detached).toBe(false);
    expect([...scan.forward]).toEqual([0x10, 0x78]);
  });

  it('lets the key that broke a sequence begin it again (Ctrl-P Ctrl-P Ctrl-Q detaches)', () => {
    const m = createDetachMatcher(keys);
    expect([...m.scan(bytes(0x10)).forward]).toEqual([]);
    expect([...m.scan(bytes(0x10)).forward]).toEqual([0x10]);
    expect(m.scan(bytes(0x11)).detached).toBe(true);
  });

  it('handles a three-key sequence split one byte a chunk', () => {
    const m = createDetachMatcher(parseDetachKeys('ctrl-a,x,ctrl-b'));
    expect(m.scan(bytes(1)).detached).toBe(false);
    expect(m.scan(text('x')).detached).toBe(false);
    expect(m.scan(bytes(2))).toEqual({ forward: bytes(), detached: true });
  });

  it('passes everything on with no keys', () => {
    const m = createDetachMatcher(new Uint8Array(0));
    expect(m.scan(bytes(0x10, 0x11))).toEqual({ forward: bytes(0x10, 0x11), detached: false });
  });
});
