// The stable `code`s of the GcErrors the store throws, for callers to branch on.

/** A blob, image or layer that is not in the store. */
export const EIMAGE_NOT_FOUND = 'EIMAGE_NOT_FOUND';
/** Bytes whose sha256 is not the expected digest (nothing is stored). */
export const EIMAGE_DIGEST = 'EIMAGE_DIGEST';
/** Bytes of another length than the descriptor's size (nothing is stored). */
export const EIMAGE_SIZE = 'EIMAGE_SIZE';
/** A manifest, config or index that fails the image-spec's schema, or an argument of the wrong form; the message names the field. */
export const EIMAGE_INVALID = 'EIMAGE_INVALID';
/** A layer whose uncompressed digest is not the config's diff_id (nothing is kept). */
export const EIMAGE_DIFFID = 'EIMAGE_DIFFID';
/** A layer of a media type the store does not unpack. */
export const EIMAGE_MEDIA_TYPE = 'EIMAGE_MEDIA_TYPE';
/** `rmi` of an image a container holds (the message names it), without force. */
export const EIMAGE_IN_USE = 'EIMAGE_IN_USE';
/** `rmi` by ID of an image with several names, without force (Docker's "must be forced"). */
export const EIMAGE_CONFLICT = 'EIMAGE_CONFLICT';
/** An ID prefix that matches several images (the message names them). */
export const EIMAGE_AMBIGUOUS = 'EIMAGE_AMBIGUOUS';
/** A lock of the store still held by another process when the wait ran out. */
export const EIMAGE_LOCKED = 'EIMAGE_LOCKED';
/** images.json or a container's record that cannot be read (the message names the file). */
export const EIMAGE_CORRUPT = 'EIMAGE_CORRUPT';
