import { GcError } from '@gc/syscall';
import { isDigest } from '../digest-text.js';
import { familiarName, formatReference, parseReference } from '../reference.js';
import { EIMAGE_AMBIGUOUS } from './errors.js';
import type { ImageRecord } from './image-store.js';

/** How a text named an image: by ID (or prefix), by a name it has, or by `name@digest`. */
export type ImageMatch =
  | { image: ImageRecord; by: 'id' }
  | { image: ImageRecord; by: 'name'; name: string }
  | { image: ImageRecord; by: 'digest'; repoDigest: string };

const ID_PREFIX = /^(sha256:)?([a-f0-9]{1,64})$/;

/**
 * The image `text` names, as Docker looks one up: a full ID; a name, short
 * (`busybox`) or full (`docker.io/library/busybox:latest`); `name@digest`;
 * or a unique ID prefix, with or without `sha256:`. A prefix of several
 * images is EIMAGE_AMBIGUOUS naming them; a text that is neither a name nor
 * an ID is EIMAGE_REFERENCE.
 */
export function matchImage(images: readonly ImageRecord[], text: string): ImageMatch | undefined {
  if (isDigest(text)) {
    const image = images.find((i) => i.id === text);
    return image && { image, by: 'id' };
  }
  const prefix = ID_PREFIX.exec(text);
  if (prefix?.[1] === undefined) {
    try {
      const found = matchName(images, text);
      if (found !== undefined || prefix === null) return found;
    } catch (e) {
      if (prefix === null) throw e;
    }
  }
  if (prefix === null) return undefined;
  const id = `sha256:${prefix[2]}`;
  const candidates = images.filter((i) => i.id.startsWith(id));
  if (candidates.length > 1) {
    const shown = candidates.map(
      (i) => `${i.id.slice(7, 19)}${i.names.length > 0 ? ` (${i.names.map(showName).join(', ')})` : ''}`,
    );
    throw new GcError(
      EIMAGE_AMBIGUOUS,
      `image ID prefix ${text} matches ${candidates.length} images: ${shown.join(', ')}`,
    );
  }
  const image = candidates[0];
  return image && { image, by: 'id' };
}

function matchName(images: readonly ImageRecord[], text: string): ImageMatch | undefined {
  const ref = parseReference(text);
  if (ref.digest !== undefined) {
    const repoDigest = `${ref.registry}/${ref.repository}@${ref.digest}`;
    const repository = `${ref.registry}/${ref.repository}:`;
    // Pulled by that digest, or loaded with that manifest under a name of the repository.
    const image =
      images.find((i) => i.repoDigests.includes(repoDigest)) ??
      images.find((i) => i.manifest.digest === ref.digest && i.names.some((n) => n.startsWith(repository)));
    return image && { image, by: 'digest', repoDigest };
  }
  const name = formatReference(ref);
  const image = images.find((i) => i.names.includes(name));
  return image && { image, by: 'name', name };
}

/** A name as the index keys it: `busybox` -> `docker.io/library/busybox:latest`; no digest allowed. */
export function normaliseName(text: string, field: string): string {
  const ref = parseReference(text, field);
  if (ref.digest !== undefined) {
    throw new GcError('EIMAGE_REFERENCE', `${field}: ${JSON.stringify(text)} has a digest: a name is NAME[:TAG]`);
  }
  return formatReference(ref);
}

/** `docker.io/library/busybox@sha256:...`, as repoDigests hold it; the digest is required. */
export function normaliseRepoDigest(text: string, field: string): string {
  const ref = parseReference(text, field);
  if (ref.digest === undefined) {
    throw new GcError('EIMAGE_REFERENCE', `${field}: ${JSON.stringify(text)} has no digest: expected NAME@sha256:...`);
  }
  return `${ref.registry}/${ref.repository}@${ref.digest}`;
}

/** A full name of the index as Docker shows it in messages: `busybox:latest`. */
export function showName(full: string): string {
  try {
    return familiarName(parseReference(full));
  } catch {
    return full;
  }
}
