import { describe, expect, it } from 'vitest';
import { Arena } from './arena.js';

describe('Arena', () => {
  it('aligns every item to 8 bytes and NUL-terminates strings', () => {
    const arena = new Arena();
    const a = arena.cstring('abc');
    const b = arena.cstring('de');
    expect(a.offset).toBe(0);
    expect(b.offset).toBe(8);
    expect([...arena.bytesCopy().subarray(0, 4)]).toEqual([97, 98, 99, 0]);
    expect(arena.length % 8).toBe(0);
  });

  it('lays structs out with natural alignment', () => {
    const arena = new Arena();
    const s = arena.struct([
      { name: 'a', type: 'u8', value: 1 },
      { name: 'b', type: 'u32', value: 2 },
      { name: 'c', type: 'u16', value: 3 },
      { name: 'd', type: 'i64', value: -1n },
      { name: 'e', type: 'i32', value: -2 },
    ]);
    const item = s.item;
    expect(item.kind === 'struct' && item.fields.map((f) => f.offset)).toEqual([0, 4, 8, 16, 24]);
    expect(item.size).toBe(32);
    const view = new DataView(arena.bytesCopy().buffer);
    expect(view.getUint32(s.offset + 4, true)).toBe(2);
    expect(view.getBigInt64(s.offset + 16, true)).toBe(-1n);
    expect(view.getInt32(s.offset + 24, true)).toBe(-2);
    expect(s.field('d').offset).toBe(s.offset + 16);
    expect(s.field('d').describe()).toBe('&d');
  });

  it('rejects values that do not fit their field, naming it', () => {
    const arena = new Arena();
    expect(() => arena.struct([{ name: 'flags', type: 'u16', value: 70000 }])).toThrow(
      /struct flags: 70000 does not fit u16/,
    );
    expect(() => arena.struct([{ type: 'u8', value: 1 }], { size: 0 })).toThrow(/smaller than/);
    expect(() => arena.cstring('a\0b')).toThrow(/contains a NUL byte/);
  });

  it('finds the item holding an offset', () => {
    const arena = new Arena();
    arena.cstring('x');
    const s = arena.struct([{ name: 'v', type: 'u64', value: 1 }]);
    expect(arena.itemAt(s.offset + 4)).toBe(s.item);
    expect(arena.itemAt(1000)).toBeUndefined();
  });
});
