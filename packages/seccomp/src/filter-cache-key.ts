import type { Arch } from '@gc/syscall';
import { capName } from './normalize.js';
import type { SeccompProfile } from './types.js';
import { SECCOMP_VERSION } from './version.js';

/** Bump when the key or what it maps to changes meaning. */
const KEY_FORMAT = 'gc-seccomp-filter-key/1';

/** Every option a compile depends on, resolved (no defaults left to the environment). */
export interface FilterKeyInputs {
  readonly arch: Arch;
  readonly capabilities: readonly string[];
  /** The kernel release `minKernel` is compared with: `os.release()` when the caller gave none. */
  readonly kernelVersion: string;
  readonly path: string;
  readonly noNewPrivs: boolean;
}

/**
 * The cache key of compiling `profile` with `inputs`: one line of JSON with
 * the key format, this package's version, the arch, the kernel release, the
 * capabilities (as compared: `CAP_`-prefixed, upper case, sorted, unique),
 * no_new_privs and the path; then the profile's JSON text. undefined when the
 * profile has no JSON text (not an object, a cycle): planSeccomp then
 * compiles without the cache, and normalizing reports the error.
 *
 * The profile's part is JSON.stringify(profile), the cheapest exact form of
 * JSON data (~0.1 ms for Docker's profile in a cold process; hashing it is
 * the file cache's business). A profile with bigint argument values (which
 * JSON.stringify refuses) is keyed in a tagged form that tells them from
 * strings. The profile must be JSON data, as a parsed file is: values JSON
 * writes differently from how they read (NaN and ±Infinity as null, boxed
 * primitives, toJSON, getters on a prototype) could let an invalid profile
 * reuse the filter of the valid one with the same text.
 */
export function filterCacheKey(profile: SeccompProfile, inputs: FilterKeyInputs): string | undefined {
  const text = profileText(profile);
  if (text === undefined || !inputs.capabilities.every((c) => typeof c === 'string')) return undefined;
  const caps = [...new Set(inputs.capabilities.map(capName))].sort();
  const head = [
    KEY_FORMAT,
    SECCOMP_VERSION,
    text.tagged ? 'tagged' : 'json',
    inputs.arch,
    inputs.kernelVersion,
    caps,
    inputs.noNewPrivs,
    inputs.path,
  ];
  // The head has no raw newline (JSON escapes them), so the first newline ends it.
  return `${JSON.stringify(head)}\n${text.json}`;
}

function profileText(profile: SeccompProfile): { json: string; tagged: boolean } | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(profile);
  } catch {
    // A bigint (or a cycle): try the tagged form.
    try {
      json = JSON.stringify(profile, tag);
    } catch {
      return undefined;
    }
    return typeof json === 'string' ? { json, tagged: true } : undefined;
  }
  return typeof json === 'string' ? { json, tagged: false } : undefined;
}

/** Strings, bigints and non-finite numbers each get their own prefix, so none reads as another. */
function tag(_key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'bigint':
      return `b${value}`;
    case 'number':
      return Number.isFinite(value) ? value : `n${value}`;
    default:
      return value;
  }
}
