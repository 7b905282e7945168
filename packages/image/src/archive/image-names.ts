import { GcError } from '@gc/syscall';
import { formatReference, parseReference } from '../reference.js';
import { archiveError, EIMAGE_ARCHIVE } from './archive-error.js';
import type { Where } from './json-fields.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';

/** A name from the archive, normalised (`busybox:1` is `docker.io/library/busybox:1`). */
export function fullName(text: string, where: Where): string {
  try {
    return formatReference(parseReference(text, where.field));
  } catch (error) {
    if (GcError.isInstance(error))
      throw archiveError(where.source, where.field, error.message.replace(`${where.field}: `, ''), error);
    throw error;
  }
}

/** The repository a caller gives for ref.names that are only a tag (podman load's NAME): no tag or digest of its own. */
export function repositoryOf(name: string): string {
  const ref = parseReference(name, 'name');
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (last.includes(':') || ref.digest !== undefined) {
    throw new GcError(
      EIMAGE_ARCHIVE,
      `name: ${JSON.stringify(name)} has a tag or digest; expected a repository (the archive's ref.name is the tag)`,
    );
  }
  return `${ref.registry}/${ref.repository}`;
}

/**
 * The names an index entry's annotations give: containerd's full name first
 * (Docker writes it beside a ref.name that is only the tag), else a ref.name
 * that is a full name, else a ref.name tag in the caller's `repository`. A
 * tag without a repository is returned as `tag`, for the caller to report.
 */
export function annotatedName(
  annotations: Record<string, string> | undefined,
  repository: string | undefined,
  where: Where,
): { name?: string; tag?: string } {
  const containerd = annotations?.[CONTAINERD_NAME];
  if (containerd !== undefined)
    return { name: fullName(containerd, { ...where, field: `${where.field}["${CONTAINERD_NAME}"]` }) };
  const ref = annotations?.[REF_NAME];
  if (ref === undefined) return {};
  const field = { ...where, field: `${where.field}["${REF_NAME}"]` };
  if (/[/:@]/.test(ref)) return { name: fullName(ref, field) };
  if (repository !== undefined) return { name: fullName(`${repository}:${ref}`, field) };
  return { tag: ref };
}
