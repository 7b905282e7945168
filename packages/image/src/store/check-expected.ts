import { GcError } from '@gc/syscall';
import { type Digest, parseDigest } from '../digest-text.js';
import { EIMAGE_INVALID } from './errors.js';

/** The digest and size a write is checked against, themselves checked: `field` names the argument. */
export function checkExpected(expected: { digest: Digest; size: number }, field: string): void {
  parseDigest(expected.digest, `${field}.digest`);
  if (!Number.isSafeInteger(expected.size) || expected.size < 0) {
    throw new GcError(EIMAGE_INVALID, `${field}.size: expected a size in bytes, got ${String(expected.size)}`);
  }
}
