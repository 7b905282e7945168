import { type DecodedHeader, type DecodedType, decode } from 'tar-stream/headers.js';

/** tar-stream's names of the type flags (its `toType`), by the flag's byte less `'0'`. */
const TYPES = new Map<number, DecodedType>([
  [0, 'file'],
  [1, 'link'],
  [2, 'symlink'],
  [3, 'character-device'],
  [4, 'block-device'],
  [5, 'directory'],
  [6, 'fifo'],
  [7, 'contiguous-file'],
  [72, 'pax-header'],
  [55, 'pax-global-header'],
  [27, 'gnu-long-link-path'],
  [28, 'gnu-long-path'],
  [30, 'gnu-long-path'],
]);

const SPACE = 0x20;
const ZERO = 0x30;
const SEVEN = 0x37;
/** A field's number can't be read here: tar-stream's decode reads the block. */
const OTHER = -1;

/**
 * A 512-byte tar header block as tar-stream's `headers.decode` reads it
 * (null for a zero block), the same object field for field. The common
 * block (ustar or GNU magic, plain octal numbers, a right checksum) is read
 * here in one pass over its bytes: tar-stream's decode makes a buffer view
 * and a string for each of its numbers, which in a layer of thousands of
 * small files costs more than the kernel calls that write them. Any other
 * block (base-256 numbers, an odd number field, a bad checksum, an unknown
 * format) goes to tar-stream's decode, which reads it or throws its error.
 */
export function decodeHeader(block: Buffer): DecodedHeader | null {
  const header = fastDecode(block);
  return header === undefined ? decode(block, 'utf-8', false) : header;
}

function fastDecode(block: Buffer): DecodedHeader | null | undefined {
  const sum = checksum(block);
  if (sum === 8 * SPACE) return null;
  if (octal(block, 148, 8) !== sum) return undefined;
  const ustar = isUstar(block);
  if (!ustar && !isGnu(block)) return undefined;
  const mode = octal(block, 100, 8);
  const uid = octal(block, 108, 8);
  const gid = octal(block, 116, 8);
  const size = octal(block, 124, 12);
  const mtime = octal(block, 136, 12);
  const devmajor = octal(block, 329, 8);
  const devminor = octal(block, 337, 8);
  if (mode < 0 || uid < 0 || gid < 0 || size < 0 || mtime < 0 || devmajor < 0 || devminor < 0) return undefined;
  const typeflag = block[156] === 0 ? 0 : (block[156] as number) - ZERO;
  let name = text(block, 0, 100);
  // tar-stream reads the prefix of ustar only (GNU keeps other fields there).
  if (ustar && block[345] !== 0) name = `${text(block, 345, 155)}/${name}`;
  return {
    name,
    mode,
    uid,
    gid,
    size,
    mtime: new Date(1000 * mtime),
    type: TYPES.get(typeflag) ?? null,
    linkname: block[157] === 0 ? null : text(block, 157, 100),
    uname: text(block, 265, 32),
    gname: text(block, 297, 32),
    devmajor,
    devminor,
    pax: null,
  };
}

/** The block, copied to be read as 32-bit words. */
const words = new Uint32Array(128);
const wordBytes = new Uint8Array(words.buffer);

/**
 * The sum of the block's bytes, its checksum field counted as spaces (all
 * zeros but that: the end block). Summed four bytes at a time, in two 16-bit
 * lanes (128 words of at most 2 * 255 each fit a lane): a loop of 512 steps
 * per header is a real part of an unpack.
 */
function checksum(block: Buffer): number {
  wordBytes.set(block);
  let lanes = 0;
  for (let i = 0; i < 128; i++) {
    const w = words[i] as number;
    lanes += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
  }
  let sum = (lanes & 0xffff) + (lanes >>> 16);
  for (let i = 148; i < 156; i++) sum -= block[i] as number;
  return sum + 8 * SPACE;
}

/** `ustar\0` at 257. */
function isUstar(b: Buffer): boolean {
  return b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72 && b[262] === 0;
}

/** `ustar ` at 257 and ` \0` at 263: GNU and old GNU tar. */
function isGnu(b: Buffer): boolean {
  return (
    b[257] === 0x75 &&
    b[258] === 0x73 &&
    b[259] === 0x74 &&
    b[260] === 0x61 &&
    b[261] === 0x72 &&
    b[262] === SPACE &&
    b[263] === SPACE &&
    b[264] === 0
  );
}

/** A NUL-ended string field, as UTF-8. */
function text(b: Buffer, offset: number, length: number): string {
  let end = offset;
  const stop = offset + length;
  while (end < stop && b[end] !== 0) end++;
  return end === offset ? '' : b.toString('utf8', offset, end);
}

/**
 * An octal number field as tar-stream's decodeOct reads it (leading spaces,
 * then up to the first space, leading NULs skipped, the octal digits up to
 * the first other byte), or OTHER for what only its decodeOct reads the same
 * way (base-256, a sign, no digit).
 */
function octal(b: Buffer, offset: number, length: number): number {
  const stop = offset + length;
  if ((b[offset] as number) & 0x80) return OTHER;
  let at = offset;
  while (at < stop && b[at] === SPACE) at++;
  let end = at;
  while (end < stop && b[end] !== SPACE) end++;
  while (at < end && b[at] === 0) at++;
  if (at === end) return 0;
  let value = 0;
  let digits = 0;
  for (; at < end; at++) {
    const c = b[at] as number;
    if (c < ZERO || c > SEVEN) break;
    value = value * 8 + (c - ZERO);
    digits++;
  }
  return digits === 0 ? OTHER : value;
}
