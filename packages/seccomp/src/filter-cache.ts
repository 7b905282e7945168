import type { CompiledFilterSummary } from './filter-summary.js';

/**
 * A store of compiled filters for planSeccomp: with one, planning the same
 * profile with the same options again skips normalizing and compiling (in a
 * fresh process the JIT-cold compiler takes ~7-15 ms for Docker's profile).
 *
 * `key` names every input of the compile (see planSeccomp); `get` must
 * return only a value that `set` stored under the very same key, and
 * undefined otherwise. Both are synchronous, as planSeccomp is. A cache is an
 * optimisation: planSeccomp checks what `get` returns (isFilterSummary) and
 * compiles on a miss, on a malformed value, or when `get` or `set` throws.
 * `createFileFilterCache` keeps entries in a directory; a `Map` is one too.
 */
export interface FilterCache {
  get(key: string): CompiledFilterSummary | undefined;
  set(key: string, value: CompiledFilterSummary): void;
}
