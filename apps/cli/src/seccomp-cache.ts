import { join } from 'node:path';
import { createFileFilterCache, type FilterCache } from '@gc/runtime';

/** Set by tsup, once per build: salts the seccomp filter cache. */
declare const __GC_BUILD_ID__: string | undefined;

/**
 * Compiled seccomp filters kept next to the bundle (dist/, which a rebuild
 * wipes): a repeat run or create skips the compile. None when run from
 * source (tests).
 */
export function seccompCache(): FilterCache | undefined {
  if (typeof __dirname !== 'string' || typeof __GC_BUILD_ID__ !== 'string') return undefined;
  return createFileFilterCache(join(__dirname, 'seccomp-cache'), { salt: __GC_BUILD_ID__ });
}
