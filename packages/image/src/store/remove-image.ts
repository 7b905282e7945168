import { GcError } from '@gc/syscall';
import type { Digest } from '../digest.js';
import { referenced, removeUnreferencedOf } from './collect.js';
import { readLiveHolds } from './container-holds.js';
import { EIMAGE_CONFLICT, EIMAGE_IN_USE, EIMAGE_NOT_FOUND } from './errors.js';
import { matchImage, showName } from './find-image.js';
import { readIndex, updateIndex } from './image-index.js';
import type { ImageRecord } from './image-store.js';
import { lockContent, type StoreContext } from './store-context.js';

/**
 * `ImageStore.removeImage`, as `docker rmi`: a name of an image that has
 * other names is untagged; otherwise the image goes with its blobs and
 * layers that no other image or container needs. Under the content lock,
 * exclusively: no writer is between writing a blob and adding its image.
 * The index is written before any file goes, so a crash leaves unreferenced
 * files for prune, never an image with missing parts.
 */
export async function removeImage(
  ctx: StoreContext,
  text: string,
  options: { force?: boolean } = {},
): Promise<{ untagged: string[]; deleted: Digest[] }> {
  const content = await lockContent(ctx, false, `remove image ${text}`);
  try {
    const holds = readLiveHolds(ctx, readIndex(ctx));
    const outcome = await updateIndex(ctx, `remove image ${text}`, (images) => {
      const match = matchImage(images, text);
      if (match === undefined) throw new GcError(EIMAGE_NOT_FOUND, `image ${text}: no such image`);
      const { image } = match;
      if (match.by === 'name' && image.names.length > 1) {
        image.names = image.names.filter((n) => n !== match.name);
        return { untagged: [match.name] };
      }
      if (match.by === 'digest' && image.names.length > 0) {
        image.repoDigests = image.repoDigests.filter((r) => r !== match.repoDigest);
        return { untagged: [match.repoDigest] };
      }
      const users = holds.filter((h) => h.image === image.id).map((h) => h.container);
      if (users.length > 0 && options.force !== true) {
        throw new GcError(
          EIMAGE_IN_USE,
          `image ${match.by === 'name' && text === match.name ? showName(text) : text} (${image.id.slice(7, 19)}) is in use by container ${users.join(', ')}: remove the container first, or force`,
        );
      }
      if (match.by === 'id' && image.names.length > 1 && options.force !== true) {
        throw new GcError(
          EIMAGE_CONFLICT,
          `image ${image.id.slice(7, 19)} has several names (${image.names.map(showName).join(', ')}): remove them by name, or force`,
        );
      }
      images.splice(images.indexOf(image), 1);
      return { untagged: [...image.names, ...image.repoDigests], removed: image, remaining: images };
    });
    if (!('removed' in outcome)) return { untagged: outcome.untagged, deleted: [] };
    const { removed, remaining } = outcome as { removed: ImageRecord; remaining: ImageRecord[] };
    removeUnreferencedOf(ctx, removed, referenced(remaining, holds));
    return { untagged: outcome.untagged, deleted: [removed.id] };
  } finally {
    content.release();
  }
}
