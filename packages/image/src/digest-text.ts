import { GcError } from '@gc/syscall';

// A digest as text, apart from its hashing (digest.ts): what reading the
// store needs, without node:crypto (`run IMAGE` from a held image loads none).

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

/** The 64 hex digits of a digest (a file name in the store). */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}
