import type { ImageConfig } from '../descriptor.js';
import { isDigest } from '../digest.js';
import { validateConfigSchema } from '../generated/image-schema.js';
import { isObject } from './check-descriptor.js';
import { invalid, schemaError } from './schema-error.js';

/**
 * An image config, OCI's or Docker's, checked against the image-spec's
 * schema: EIMAGE_INVALID naming the field (`config.rootfs.diff_ids[0]: ...`)
 * otherwise. Returns it with the `null`s Docker writes for empty fields of
 * `config` (`"Env": null`, `"OnBuild": null`) left out.
 */
export function validateConfig(json: unknown, document = 'config'): ImageConfig {
  if (!isObject(json)) throw invalid(document, [], 'expected a JSON object');
  const config = isObject(json.config) ? { ...json, config: withoutNulls(json.config) } : json;
  if (!validateConfigSchema(config)) throw schemaError(document, validateConfigSchema.errors ?? [], config);
  const typed = config as unknown as ImageConfig;
  typed.rootfs.diff_ids.forEach((diffId, i) => {
    if (!isDigest(diffId)) {
      throw invalid(
        document,
        ['rootfs', 'diff_ids', i],
        `${JSON.stringify(diffId)} is not supported: expected sha256: and 64 lowercase hex digits`,
      );
    }
  });
  return typed;
}

function withoutNulls(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
}
