import type { Compression } from '../media-types.js';

/** The compression a blob's first bytes show (gzip's and zstd's magic numbers); `none` for anything else. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** How many leading bytes `sniffCompression` needs. */
export const SNIFF_BYTES = 4;
