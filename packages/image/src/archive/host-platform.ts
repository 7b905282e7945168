import type { Platform } from '../descriptor.js';
import { normalizePlatform, type PlatformSpec } from '../registry/platform.js';

/**
 * Whether an index entry's platform runs on `host` (hostPlatform(), which is
 * normalised): the entry is normalised as containerd does, and a variant
 * counts only when both name one.
 */
export function platformMatches(platform: Platform, host: PlatformSpec): boolean {
  const have = normalizePlatform(platform);
  if (have.os !== host.os || have.architecture !== host.architecture) return false;
  return have.variant === undefined || host.variant === undefined || have.variant === host.variant;
}
