import { humanDuration } from '@gc/engine';

/** `CREATED`: `2 weeks ago`, or `N/A` for an image that does not say when it was made. */
export function createdSince(created: string | undefined, now = Date.now()): string {
  const at = created === undefined ? Number.NaN : Date.parse(created);
  if (Number.isNaN(at) || at <= 0) return 'N/A';
  return `${humanDuration(now - at)} ago`;
}
