import { createImageStore, formatReference, type ImageRecord, type ImageStore, parseReference } from '@gc/image/store';
import { createKernel } from '@gc/syscall';
import { DATA_ROOT } from './data-root.js';
import type { GlobalOptions } from './global-options.js';

/** The image store under `--data-root` (default /var/lib/gocontainer). */
export function openImageStore(global: Pick<GlobalOptions, 'dataRoot'>): ImageStore {
  return createImageStore({ root: global.dataRoot ?? DATA_ROOT, kernel: createKernel() });
}

const ID_PREFIX = /^(sha256:)?[0-9a-f]{1,64}$/;

/**
 * An image as Docker finds one from what a user typed: a name (`busybox` is
 * docker.io/library/busybox:latest), else an image ID or a unique prefix of
 * one. A text that is neither a name nor an ID is an error naming `field`.
 */
export function findImage(store: ImageStore, text: string, field = 'image'): ImageRecord | undefined {
  let name: string | undefined;
  try {
    name = formatReference(parseReference(text, field));
  } catch (e) {
    if (!ID_PREFIX.test(text)) throw e;
  }
  return (
    (name === undefined ? undefined : store.findImage(name)) ??
    (ID_PREFIX.test(text) ? store.findImage(text) : undefined)
  );
}

/** The full name (docker.io/library/busybox:latest) of what a user typed as a name. */
export function fullName(text: string, field = 'image'): string {
  return formatReference(parseReference(text, field));
}

/** An image ID as Docker shows it: 12 hex digits, or all of it (`--no-trunc`) with `sha256:`. */
export function showId(id: string, full = false): string {
  return full ? id : id.replace(/^sha256:/, '').slice(0, 12);
}
