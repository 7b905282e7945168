import type { ImageIndex } from '../descriptor.js';
import { validateIndexSchema } from '../generated/image-schema.js';
import { DOCKER_MANIFEST_LIST, isIndex, OCI_INDEX } from '../media-types.js';
import { checkDescriptor, isObject } from './check-descriptor.js';
import { invalid, schemaError } from './schema-error.js';

/**
 * An image index or Docker manifest list (the same shape), checked against
 * the image-spec's schema: EIMAGE_INVALID naming the field otherwise.
 */
export function validateIndex(json: unknown, document = 'index'): ImageIndex {
  if (!isObject(json)) throw invalid(document, [], 'expected a JSON object');
  const mediaType = json.mediaType;
  if (typeof mediaType === 'string' && !isIndex(mediaType)) {
    throw invalid(
      document,
      ['mediaType'],
      `${JSON.stringify(mediaType)} is not an image index (expected ${OCI_INDEX} or ${DOCKER_MANIFEST_LIST})`,
    );
  }
  if (!validateIndexSchema(json)) throw schemaError(document, validateIndexSchema.errors ?? [], json);
  const index = json as unknown as ImageIndex;
  for (const [i, entry] of index.manifests.entries()) checkDescriptor(document, ['manifests', i], entry);
  return index;
}
