import { createHash } from 'node:crypto';
import type { Digest } from './digest-text.js';

export { type Digest, digestHex, isDigest, parseDigest } from './digest-text.js';

/** The sha256 digest of `data`. */
export function digestOf(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
