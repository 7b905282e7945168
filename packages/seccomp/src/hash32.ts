const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * A fast 32-bit non-cryptographic hash of `bytes`: FNV-1a taken a 32-bit
 * word (native byte order: little-endian on x86_64 and aarch64) at a time, the
 * tail byte by byte, finished with murmur3's fmix32. Words rather than bytes because start-up runs this
 * JIT-cold: a quarter of the iterations. Any one changed word changes the
 * result; it is for cache file names and for catching corrupt entries, never
 * against someone choosing the input (node:crypto costs ~8 ms to load).
 */
export function hash32(bytes: Uint8Array, seed = FNV_OFFSET_BASIS): number {
  const words = bytes.length >>> 2;
  // An Int32Array view needs 4-byte alignment (Buffers from readFileSync and Buffer.from have it); else a copy.
  const aligned = (bytes.byteOffset & 3) === 0 ? bytes : new Uint8Array(bytes);
  const view = new Int32Array(aligned.buffer, aligned.byteOffset, words);
  let h = seed | 0;
  for (let i = 0; i < words; i++) {
    h = Math.imul(h ^ (view[i] as number), FNV_PRIME);
  }
  for (let i = words << 2; i < bytes.length; i++) {
    h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
