import { GcError } from '@gc/syscall';
import { type Digest, isDigest } from './digest-text.js';

/**
 * An image name as Docker normalises it: `busybox` is
 * `docker.io/library/busybox:latest`. A name has a tag, a digest, or both
 * (`name:tag@sha256:...` is pulled by digest).
 */
export interface Reference {
  /** `docker.io`, `localhost:5000`, `ghcr.io`. */
  registry: string;
  /** `library/busybox`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';

// distribution/reference's grammar.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

function bad(field: string, text: string, why: string): GcError {
  return new GcError('EIMAGE_REFERENCE', `${field}: ${JSON.stringify(text)} is not a valid image name: ${why}`);
}

/** Parse and normalise an image name; `field` names where it came from in errors. */
export function parseReference(text: string, field = 'image'): Reference {
  if (text.length === 0 || text.length > 255 * 2) throw bad(field, text, 'expected [REGISTRY/]NAME[:TAG][@DIGEST]');
  let rest = text;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const value = rest.slice(at + 1);
    if (!isDigest(value)) throw bad(field, text, 'the digest after "@" must be sha256: and 64 lowercase hex digits');
    digest = value;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    if (!TAG.test(tag))
      throw bad(field, text, 'a tag is at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"');
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = DEFAULT_REGISTRY;
  const first = parts[0] ?? '';
  if (
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  ) {
    if (!DOMAIN.test(first)) throw bad(field, text, `${JSON.stringify(first)} is not a registry host[:port]`);
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DEFAULT_REGISTRY;
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      throw bad(field, text, 'a name is lowercase letters and digits, separated by ".", "_", "__", "-" or "/"');
    }
  }
  if (registry === DEFAULT_REGISTRY && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > 255) throw bad(field, text, 'the name is longer than 255 characters');
  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `docker.io/library/busybox:latest`: the full name, the key of the store's index. */
export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** `busybox:latest`, as Docker shows names: no docker.io/ and no library/. */
export function familiarName(ref: Reference): string {
  let name = `${ref.registry}/${ref.repository}`;
  if (ref.registry === DEFAULT_REGISTRY) {
    name = ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
  }
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The host that serves a registry's API: Docker Hub's is registry-1.docker.io. */
export function registryEndpoint(registry: string): string {
  return registry === DEFAULT_REGISTRY ? 'registry-1.docker.io' : registry;
}
