import { align8 } from './format.js';

export type ArenaItemKind = 'cstring' | 'cstring-array' | 'bytes' | 'struct';

export type StructIntType = 'u8' | 'u16' | 'u32' | 'u64' | 'i32' | 'i64';

/**
 * One field of an arena struct, laid out at its natural alignment like a C
 * compiler would. `ptr` holds another arena item (relocated by the executor)
 * or NULL; `bytes` is inlined (e.g. `ifreq.ifr_name`).
 */
export type StructField =
  | { readonly name?: string; readonly type: StructIntType; readonly value: number | bigint }
  | { readonly name?: string; readonly type: 'ptr'; readonly value: ArenaPtr | null }
  | { readonly name?: string; readonly type: 'bytes'; readonly value: Uint8Array };

export interface StructOptions {
  /** Pad the struct to at least this many bytes (`sizeof(struct ifreq)` is 40). */
  readonly size?: number;
}

/** A laid-out struct field: where it landed. */
export interface StructFieldLayout {
  readonly name: string | undefined;
  readonly type: StructField['type'];
  readonly offset: number;
  readonly size: number;
}

/** Something allocated in the arena. `value` is what was put there, for explaining and for the FakeKernel. */
export type ArenaItem =
  | { readonly kind: 'cstring'; readonly offset: number; readonly size: number; readonly value: string }
  | {
      readonly kind: 'cstring-array';
      readonly offset: number;
      readonly size: number;
      readonly value: readonly string[];
    }
  | { readonly kind: 'bytes'; readonly offset: number; readonly size: number; readonly value: Uint8Array }
  | {
      readonly kind: 'struct';
      readonly offset: number;
      readonly size: number;
      readonly value: readonly StructField[];
      readonly fields: readonly StructFieldLayout[];
    };

/** A pointer into an arena: an item, or a place inside one (a struct field). */
export class ArenaPtr {
  /** @internal The arena this points into: a pointer only makes sense in its own program. */
  readonly arena: Arena;
  readonly item: ArenaItem;
  /** Arena offset the pointer holds. */
  readonly offset: number;

  /** @internal */
  constructor(arena: Arena, item: ArenaItem, offset: number) {
    this.arena = arena;
    this.item = item;
    this.offset = offset;
  }

  /** A pointer `delta` bytes into the same item. */
  at(delta: number): ArenaPtr {
    const inside = this.offset + delta - this.item.offset;
    if (!Number.isInteger(delta) || inside < 0 || inside >= this.item.size) {
      throw new RangeError(`pointer offset ${delta} is outside its ${this.item.size}-byte ${this.item.kind}`);
    }
    return new ArenaPtr(this.arena, this.item, this.offset + delta);
  }

  /** How `Program.toString()` shows the pointer. */
  describe(): string {
    const delta = this.offset - this.item.offset;
    if (delta === 0) return describeItem(this.item);
    if (this.item.kind === 'struct') {
      const field = this.item.fields.find((f) => f.offset === delta && f.name !== undefined);
      if (field?.name !== undefined) return `&${field.name}`;
    }
    return `${describeItem(this.item)}+${delta}`;
  }
}

/** A struct in the arena; `field(name)` points at one of its fields (a STORE destination). */
export class ArenaStruct extends ArenaPtr {
  field(name: string): ArenaPtr {
    const item = this.item;
    const field = item.kind === 'struct' ? item.fields.find((f) => f.name === name) : undefined;
    if (!field) throw new TypeError(`struct has no field ${JSON.stringify(name)}`);
    return new ArenaPtr(this.arena, this.item, this.item.offset + field.offset);
  }
}

function describeItem(item: ArenaItem): string {
  switch (item.kind) {
    case 'cstring':
      return JSON.stringify(item.value);
    case 'cstring-array':
      return `[${item.value.map((s) => JSON.stringify(s)).join(', ')}]`;
    case 'bytes':
      return `bytes(${item.size})`;
    case 'struct':
      return `{${item.value.map((f) => describeField(f)).join(', ')}}`;
  }
}

function describeField(field: StructField): string {
  const prefix = field.name === undefined ? '' : `${field.name}: `;
  switch (field.type) {
    case 'ptr':
      return `${prefix}${field.value === null ? 'NULL' : `&${field.value.describe()}`}`;
    case 'bytes':
      return `${prefix}bytes(${field.value.length})`;
    default:
      return `${prefix}${String(field.value)}`;
  }
}

const INT_LAYOUT: Record<StructIntType, { size: number; min: bigint; max: bigint }> = {
  u8: { size: 1, min: 0n, max: 0xffn },
  u16: { size: 2, min: 0n, max: 0xffffn },
  u32: { size: 4, min: 0n, max: 0xffffffffn },
  u64: { size: 8, min: 0n, max: 0xffffffffffffffffn },
  i32: { size: 4, min: -0x80000000n, max: 0x7fffffffn },
  i64: { size: 8, min: -0x8000000000000000n, max: 0x7fffffffffffffffn },
};

const utf8 = new TextEncoder();

/**
 * The byte arena of a program: strings, argv/envp arrays, buffers and structs,
 * every item 8-aligned. Slots that hold arena offsets are listed for the
 * executor to relocate. Identical strings and string arrays share one copy;
 * bytes and structs never do, since a STORE may write into them.
 */
export class Arena {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #len = 0;
  readonly #relocs: number[] = [];
  readonly #items: ArenaItem[] = [];
  readonly #strings = new Map<string, ArenaPtr>();
  readonly #arrays = new Map<string, ArenaPtr>();

  /** Bytes used, padded to 8. */
  get length(): number {
    return align8(this.#len);
  }

  /** Arena offsets of 8-byte slots holding arena offsets, in allocation order. */
  get relocations(): readonly number[] {
    return this.#relocs;
  }

  get items(): readonly ArenaItem[] {
    return this.#items;
  }

  /** A copy of the arena's bytes, `length` long. */
  bytesCopy(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.#buf.subarray(0, this.#len));
    return out;
  }

  /** The item holding arena offset `offset`, if any. */
  itemAt(offset: number): ArenaItem | undefined {
    // Items are allocated in increasing offset order: binary search.
    let lo = 0;
    let hi = this.#items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = this.#items[mid] as ArenaItem;
      if (offset < item.offset) hi = mid - 1;
      else if (offset >= item.offset + Math.max(item.size, 1)) lo = mid + 1;
      else return item;
    }
    return undefined;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(value: string): ArenaPtr {
    if (typeof value !== 'string') throw new TypeError(`cstring: expected a string, got ${typeof value}`);
    const known = this.#strings.get(value);
    if (known) return known;
    if (value.includes('\0')) throw new TypeError(`cstring: ${JSON.stringify(value)} contains a NUL byte`);
    const encoded = utf8.encode(value);
    const offset = this.#alloc(encoded.length + 1);
    this.#buf.set(encoded, offset);
    const ptr = this.#add({ kind: 'cstring', offset, size: encoded.length + 1, value });
    this.#strings.set(value, ptr);
    return ptr;
  }

  /** A NULL-terminated `char *[]` (argv, envp): u64 slots of arena offsets, each relocated; the NULL is not. */
  cstringArray(values: readonly string[]): ArenaPtr {
    if (!Array.isArray(values)) throw new TypeError('cstringArray: expected an array of strings');
    const key = JSON.stringify(values);
    const known = this.#arrays.get(key);
    if (known) return known;
    const strings = values.map((value, i) => {
      if (typeof value !== 'string')
        throw new TypeError(`cstringArray: element ${i} is a ${typeof value}, not a string`);
      return this.cstring(value);
    });
    const size = (strings.length + 1) * 8;
    const offset = this.#alloc(size);
    for (const [i, ptr] of strings.entries()) this.#writePointer(offset + i * 8, ptr);
    const ptr = this.#add({ kind: 'cstring-array', offset, size, value: [...values] });
    this.#arrays.set(key, ptr);
    return ptr;
  }

  /** A copy of `data` (a buffer the kernel reads or fills). */
  bytes(data: Uint8Array): ArenaPtr {
    if (!(data instanceof Uint8Array)) throw new TypeError('bytes: expected a Uint8Array');
    const offset = this.#alloc(data.length);
    this.#buf.set(data, offset);
    return this.#add({ kind: 'bytes', offset, size: data.length, value: Uint8Array.from(data) });
  }

  /** A C struct with natural alignment, padded to its largest alignment (and to `options.size`). */
  struct(fields: readonly StructField[], options: StructOptions = {}): ArenaStruct {
    const layout: StructFieldLayout[] = [];
    let cursor = 0;
    let maxAlign = 1;
    fields.forEach((field, i) => {
      const name = field.name ?? `field ${i}`;
      const size =
        field.type === 'ptr' ? 8 : field.type === 'bytes' ? field.value.length : INT_LAYOUT[field.type]?.size;
      if (size === undefined) throw new TypeError(`struct ${name}: unknown type ${JSON.stringify(field.type)}`);
      const align = field.type === 'bytes' ? 1 : size;
      maxAlign = Math.max(maxAlign, align);
      cursor = Math.ceil(cursor / align) * align;
      layout.push({ name: field.name, type: field.type, offset: cursor, size });
      cursor += size;
    });
    let size = Math.ceil(cursor / maxAlign) * maxAlign;
    if (options.size !== undefined) {
      if (!Number.isInteger(options.size) || options.size < cursor) {
        throw new TypeError(`struct: size ${options.size} is smaller than its ${cursor} bytes of fields`);
      }
      size = Math.max(size, options.size);
    }
    const offset = this.#alloc(size);
    for (const [i, field] of fields.entries()) this.#writeField(offset, field, layout[i] as StructFieldLayout, i);
    const item: ArenaItem = { kind: 'struct', offset, size, value: [...fields], fields: layout };
    this.#items.push(item);
    return new ArenaStruct(this, item, offset);
  }

  #writeField(base: number, field: StructField, at: StructFieldLayout, index: number): void {
    const where = base + at.offset;
    const name = field.name ?? `field ${index}`;
    if (field.type === 'ptr') {
      if (field.value === null) return; // NULL: zero, and not relocated
      if (!(field.value instanceof ArenaPtr) || field.value.arena !== this) {
        throw new TypeError(`struct ${name}: a ptr field needs a pointer from the same program, or null`);
      }
      this.#writePointer(where, field.value);
      return;
    }
    if (field.type === 'bytes') {
      if (!(field.value instanceof Uint8Array)) throw new TypeError(`struct ${name}: a bytes field needs a Uint8Array`);
      this.#buf.set(field.value, where);
      return;
    }
    const { min, max, size } = INT_LAYOUT[field.type];
    const value = field.value;
    if (typeof value === 'number' ? !Number.isSafeInteger(value) : typeof value !== 'bigint') {
      throw new TypeError(`struct ${name}: ${String(value)} is not an integer`);
    }
    const big = BigInt(value);
    if (big < min || big > max) throw new TypeError(`struct ${name}: ${big} does not fit ${field.type}`);
    const v = this.#view;
    if (size === 1) v.setUint8(where, Number(big));
    else if (size === 2) v.setUint16(where, Number(big), true);
    else if (field.type === 'i32') v.setInt32(where, Number(big), true);
    else if (size === 4) v.setUint32(where, Number(big), true);
    else v.setBigUint64(where, BigInt.asUintN(64, big), true);
  }

  #writePointer(slot: number, target: ArenaPtr): void {
    this.#view.setBigUint64(slot, BigInt(target.offset), true);
    this.#relocs.push(slot);
  }

  #alloc(size: number): number {
    const offset = align8(this.#len);
    // An empty item still takes a byte, so every item has its own offset.
    const end = offset + Math.max(size, 1);
    if (end > this.#buf.length) {
      let capacity = this.#buf.length * 2;
      while (capacity < end) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.#buf);
      this.#buf = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#len = end;
    return offset;
  }

  #add(item: ArenaItem): ArenaPtr {
    this.#items.push(item);
    return new ArenaPtr(this, item, item.offset);
  }
}
