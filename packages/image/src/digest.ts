import { createHash } from 'node:crypto';
import { GcError } from '@gc/syscall';

/** A content digest as the image spec writes it. Only sha256 is stored. */
export type Digest = `sha256:${string}`;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST.test(value);
}

/** `value` as a Digest, or an EIMAGE_DIGEST error naming `field` and what was expected. */
export function parseDigest(value: unknown, field: string): Digest {
  if (isDigest(value)) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  throw new GcError(
    'EIMAGE_DIGEST',
    `${field}: ${shown} is not a digest (expected sha256: and 64 lowercase hex digits)`,
  );
}

/** The sha256 digest of `data`. */
export function digestOf(data: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The 64 hex digits of a digest (a file name in the store). */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}
