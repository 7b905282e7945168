import type { Manifest } from '../descriptor.js';
import { validateManifestSchema } from '../generated/image-schema.js';
import { DOCKER_MANIFEST, isIndex, isManifest, OCI_MANIFEST } from '../media-types.js';
import { checkDescriptor, isObject } from './check-descriptor.js';
import { invalid, schemaError } from './schema-error.js';

/**
 * An image manifest, OCI's or Docker's schema 2 (the same shape, another
 * mediaType), checked against the image-spec's schema: EIMAGE_INVALID
 * naming the field (`manifest.layers[0].digest: ...`) otherwise.
 */
export function validateManifest(json: unknown, document = 'manifest'): Manifest {
  if (!isObject(json)) throw invalid(document, [], 'expected a JSON object');
  if (json.schemaVersion === 1) {
    throw invalid(
      document,
      ['schemaVersion'],
      "1 is Docker's schema 1, which is not supported: push the image again with a current client (schema 2)",
    );
  }
  const mediaType = json.mediaType;
  if (typeof mediaType === 'string' && !isManifest(mediaType)) {
    const why = isIndex(mediaType)
      ? 'is an image index, not a manifest: pick the manifest of a platform from it'
      : `is not an image manifest (expected ${OCI_MANIFEST} or ${DOCKER_MANIFEST})`;
    throw invalid(document, ['mediaType'], `${JSON.stringify(mediaType)} ${why}`);
  }
  if (!validateManifestSchema(json)) throw schemaError(document, validateManifestSchema.errors ?? [], json);
  const manifest = json as unknown as Manifest;
  checkDescriptor(document, ['config'], manifest.config);
  for (const [i, layer] of manifest.layers.entries()) checkDescriptor(document, ['layers', i], layer);
  return manifest;
}
