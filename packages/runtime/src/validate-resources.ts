import type { LinuxResources } from '@gc/cgroups';
import { SpecError } from './errors.js';
import { validateConfig } from './generated/config-schema.js';
import { OCI_VERSION } from './state/oci-state.js';
import { schemaError } from './validate-spec.js';

/**
 * OCI `linux.resources` on its own (what `update --resources` reads: the
 * JSON containerd's shim writes to runc's stdin), checked against the
 * runtime-spec's schema as part of a config, so that a failure names the
 * field as config.json would: `linux.resources.pids.limit: expected an
 * integer, got the string "many"`. Throws SpecError.
 */
export function validateResources(json: unknown): LinuxResources {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SpecError(
      'linux.resources',
      `expected an object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
    );
  }
  const config = { ociVersion: OCI_VERSION, linux: { resources: json } };
  if (!validateConfig(config)) throw schemaError(validateConfig.errors ?? [], config);
  return json as LinuxResources;
}
