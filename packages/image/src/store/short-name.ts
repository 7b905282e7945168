import { randomBytes } from 'node:crypto';

// A new layer's short name (`l/<name>`, see layer-dirs.ts): apart, as only an unpack needs node:crypto.

/** Letters and digits of a short name: base 32, lowercase. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const SHORT_NAME_LENGTH = 10;

export function newShortName(): string {
  const bytes = randomBytes(SHORT_NAME_LENGTH);
  return Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
}
