import { release } from 'node:os';
import { type OpRef, PR_SET_NO_NEW_PRIVS, type ProgramScope } from '@gc/syscall';
import { compileNormalized } from './compile.js';
import { SECCOMP_SET_MODE_FILTER } from './constants.js';
import type { FilterCache } from './filter-cache.js';
import { filterCacheKey } from './filter-cache-key.js';
import { type CompiledFilterSummary, isFilterSummary, summarizeFilter } from './filter-summary.js';
import { describeAction, normalizeProfile, type ProfileOptions } from './normalize.js';
import type { SeccompProfile } from './types.js';

export const SECCOMP_PKG = '@gc/seccomp';

export interface PlanSeccompOptions extends Omit<ProfileOptions, 'arch'> {
  /**
   * Set no_new_privs before the load (`prctl(PR_SET_NO_NEW_PRIVS, 1)`). Without
   * it the load needs CAP_SYS_ADMIN in the child's user namespace.
   */
  readonly noNewPrivs: boolean;
  /**
   * Compiled filters to reuse: a hit skips normalizing and compiling. The key
   * covers the profile's JSON text, the program's arch, the capabilities,
   * the kernel release (resolved: `os.release()` by default), no_new_privs,
   * the path and this package's version. Default: none, always compile.
   */
  readonly cache?: FilterCache;
}

export interface SeccompPlan {
  /** The filter loaded: `decodeFilter(filter.bytes)` gives its instructions. */
  readonly filter: CompiledFilterSummary;
  /** The filter came from `opts.cache`: nothing was compiled. */
  readonly fromCache: boolean;
  /** The `seccomp()` op. */
  readonly load: OpRef;
  /**
   * With SCMP_ACT_NOTIFY rules, the load's result is the notification
   * listener fd (close-on-exec): pass it on (e.g. `sendmsg` on the sync
   * socket) in an op before the exec, and never notify a syscall that op makes.
   */
  readonly listenerFd: OpRef | undefined;
}

/**
 * Append the filter load to `program`: `prctl(PR_SET_NO_NEW_PRIVS)` if asked,
 * then `seccomp(SECCOMP_SET_MODE_FILTER, flags, &sock_fprog)`. The filter
 * applies to every later op of the child, so the runtime plans this last,
 * right before the exec (as runc does): the ops before it stay unfiltered,
 * and the exec itself must be allowed by the profile.
 */
export function planSeccomp(program: ProgramScope, profile: SeccompProfile, opts: PlanSeccompOptions): SeccompPlan {
  const p = program.scope(SECCOMP_PKG);
  const inputs = {
    arch: p.arch,
    capabilities: opts.capabilities ?? [],
    kernelVersion: opts.kernelVersion ?? release(),
    path: opts.path ?? 'linux.seccomp',
    noNewPrivs: opts.noNewPrivs,
  };
  const key = opts.cache ? filterCacheKey(profile, inputs) : undefined;
  let filter = key === undefined ? undefined : cacheGet(opts.cache as FilterCache, key);
  const fromCache = filter !== undefined;
  if (filter === undefined) {
    filter = summarizeFilter(compileNormalized(normalizeProfile(profile, inputs)));
    if (key !== undefined) cacheSet(opts.cache as FilterCache, key, filter);
  }

  if (opts.noNewPrivs) p.syscall('prctl', [PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0], 'set no_new_privs');
  const instructions = p.bytes(filter.bytes);
  // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
  const fprog = p.struct([
    { name: 'len', type: 'u16', value: filter.instructionCount },
    { name: 'filter', type: 'ptr', value: instructions },
  ]);
  const what = `${filter.instructionCount} instructions, default ${describeAction(filter.defaultAction)}`;
  const load = p.syscall(
    'seccomp',
    [SECCOMP_SET_MODE_FILTER, filter.flags, fprog],
    `load the seccomp filter (${what})`,
  );
  return { filter, fromCache, load, listenerFd: filter.needsListener ? load : undefined };
}

/** A cache is an optimisation: what it cannot give (a throw, a malformed value) is a miss. */
function cacheGet(cache: FilterCache, key: string): CompiledFilterSummary | undefined {
  try {
    const value = cache.get(key);
    return isFilterSummary(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function cacheSet(cache: FilterCache, key: string, value: CompiledFilterSummary): void {
  try {
    cache.set(key, value);
  } catch {
    // Not cached: the next plan compiles again.
  }
}
