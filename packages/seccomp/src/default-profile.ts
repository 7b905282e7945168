import dockerDefault from './docker-default.json' with { type: 'json' };
import type { SeccompProfile } from './types.js';

/**
 * Docker's default seccomp profile (moby/moby profiles/seccomp/default.json,
 * Apache-2.0, Copyright Docker, Inc. and the Moby authors), in Docker's
 * format: `archMap`, and `includes`/`excludes` by capability, arch and kernel.
 * Compile it with the container's capabilities, as `docker run` does.
 * Returns a fresh copy each call, so callers may edit it.
 */
export function defaultProfile(): SeccompProfile {
  return structuredClone(dockerDefault) as SeccompProfile;
}
