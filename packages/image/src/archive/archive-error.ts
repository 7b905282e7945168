import { GcError } from '@gc/syscall';

/** An archive, layout or tarball refused, or a save that could not be written; the message names the file and field. */
export const EIMAGE_ARCHIVE = 'EIMAGE_ARCHIVE';

/**
 * An archive refused: `source` is the archive (its file name, or what the
 * caller called a stream), `where` the entry and field (`manifest.json[0].Config`).
 */
export function archiveError(source: string, where: string, message: string, cause?: unknown): GcError {
  return new GcError(EIMAGE_ARCHIVE, `${source}: ${where}: ${message}`, cause !== undefined ? { cause } : undefined);
}
