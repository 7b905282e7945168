import { readFileSync } from 'node:fs';
import { GcError } from '@gc/syscall';
import { writeFileAtomic } from './atomic-write.js';
import { EIMAGE_CORRUPT } from './errors.js';
import type { ImageRecord } from './image-store.js';
import { lockFile } from './lock.js';
import type { StoreContext } from './store-context.js';

/** images.json: written whole by temp + rename, so a reader never needs the lock. */
interface IndexFile {
  version: 1;
  images: ImageRecord[];
}

/** The images of the index, as last written (none before the first write). */
export function readIndex(ctx: StoreContext): ImageRecord[] {
  let text: string;
  try {
    text = readFileSync(ctx.layout.index, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  let file: IndexFile;
  try {
    file = JSON.parse(text) as IndexFile;
  } catch (e) {
    throw new GcError(EIMAGE_CORRUPT, `${ctx.layout.index}: not JSON (${(e as Error).message})`, { cause: e });
  }
  if (file?.version !== 1 || !Array.isArray(file.images)) {
    throw new GcError(EIMAGE_CORRUPT, `${ctx.layout.index}: expected { "version": 1, "images": [...] }`);
  }
  return file.images;
}

/**
 * Read-modify-write the index under its exclusive lock: `change` edits the
 * images in place (or throws, and nothing is written). Concurrent updates,
 * in this process or others, each see the one before.
 */
export async function updateIndex<T>(
  ctx: StoreContext,
  what: string,
  change: (images: ImageRecord[]) => T,
): Promise<T> {
  const lock = await lockFile(ctx.kernel, ctx.layout.indexLock, { timeoutMs: ctx.lockTimeoutMs, what });
  try {
    const images = readIndex(ctx);
    const result = change(images);
    const file: IndexFile = { version: 1, images };
    // Not in tmp/: tagging holds no content lock, so an idle store's clean-up of tmp/ could take the file.
    writeFileAtomic(`${ctx.layout.index}.tmp`, ctx.layout.index, `${JSON.stringify(file, null, 2)}\n`);
    return result;
  } finally {
    lock.release();
  }
}
