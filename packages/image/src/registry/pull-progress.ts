import type { Digest } from '../digest.js';

/** A layer's state, in `docker pull`'s words. */
export type PullStatus =
  | 'Waiting'
  | 'Downloading'
  | 'Verifying Checksum'
  | 'Download complete'
  | 'Already exists'
  | 'Extracting'
  | 'Pull complete';

/** One event of a pull, per layer, for a display like `docker pull`'s (one line per id). */
export interface PullProgress {
  /** The layer digest's first 12 hex digits, as Docker shows it. */
  id: string;
  digest: Digest;
  status: PullStatus;
  /** Bytes so far and in all, while Downloading (compressed bytes) and Extracting (compressed bytes read). */
  current?: number;
  total?: number;
}

export function progressId(digest: Digest): string {
  return digest.slice('sha256:'.length, 'sha256:'.length + 12);
}
