import { join } from 'node:path';
import { createFilePlanCache, type PlanCache } from '@gc/runtime';

/** Set by tsup, once per build: salts the plan cache (a rebuild plans anew). */
declare const __GC_BUILD_ID__: string | undefined;

/**
 * Planned programs kept next to the bundle (dist/, which a rebuild wipes),
 * as the seccomp filters are: a repeated `run` of the same command skips
 * planning. None when run from source (tests).
 */
export function planCache(): PlanCache | undefined {
  if (typeof __dirname !== 'string' || typeof __GC_BUILD_ID__ !== 'string') return undefined;
  return createFilePlanCache(join(__dirname, 'plan-cache'), { salt: __GC_BUILD_ID__ });
}
