import type { Descriptor } from '../descriptor.js';
import { isDigest } from '../digest.js';
import { invalid } from './schema-error.js';

/**
 * What the schema allows and the store cannot hold: a digest of another
 * algorithm (blobs are stored by sha256 only), a negative or unsafe size.
 */
export function checkDescriptor(document: string, path: (string | number)[], descriptor: Descriptor): void {
  if (!isDigest(descriptor.digest)) {
    throw invalid(
      document,
      [...path, 'digest'],
      `${JSON.stringify(descriptor.digest)} is not supported: expected sha256: and 64 lowercase hex digits`,
    );
  }
  if (!Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
    throw invalid(document, [...path, 'size'], `expected a size in bytes, got ${descriptor.size}`);
  }
}

/** A JSON object, not null or an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
