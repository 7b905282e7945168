import { GcError } from '@gc/syscall';
import { EIMAGE_INVALID } from '../store/errors.js';
import { archiveError } from './archive-error.js';
import type { Where } from './json-fields.js';

/**
 * `json` checked by one of the image-spec validators the store's addImage
 * applies too, before any image is added: so a load of several images
 * fails as a whole, not after adding the first. Its error names the archive
 * and the field.
 */
export function validated<T>(validate: (json: unknown, document: string) => T, json: unknown, where: Where): T {
  try {
    return validate(json, where.field);
  } catch (error) {
    if (!GcError.isInstance(error) || error.code !== EIMAGE_INVALID) throw error;
    const colon = error.message.indexOf(': ');
    throw archiveError(where.source, error.message.slice(0, colon), error.message.slice(colon + 2), error);
  }
}
