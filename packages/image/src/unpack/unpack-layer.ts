import type { Readable } from 'node:stream';
import type { Kernel } from '@gc/syscall';
import type { Digest } from '../digest.js';
import type { Compression } from '../media-types.js';

export interface UnpackLayerOptions {
  /** Rootless overlayfs (`userxattr`): the opaque marker is `user.overlay.opaque`, not `trusted.overlay.opaque`. */
  rootless?: boolean;
  /** Compressed bytes read so far. */
  onRead?: (bytes: number) => void;
}

export interface UnpackedLayer {
  /** sha256 of the uncompressed tar: checked against the config's diff_id by the caller. */
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  size: number;
}

/**
 * Unpack one layer (a tar, compressed as `compression` says) into `dir`, an
 * empty directory, in overlayfs's format: `.wh.X` becomes a 0/0 character
 * device X, `.wh..wh..opq` the opaque xattr of its directory. Every entry is
 * made through openat2(RESOLVE_IN_ROOT) below `dir`, so no name, `..` or
 * symlink writes outside it.
 */
export async function unpackLayer(
  _kernel: Kernel,
  _input: Readable,
  _compression: Compression,
  _dir: string,
  _options: UnpackLayerOptions = {},
): Promise<UnpackedLayer> {
  throw new Error('unpackLayer: not written yet (the unpack work item)');
}
