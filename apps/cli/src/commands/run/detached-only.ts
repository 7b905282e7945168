import { UsageError } from '../../usage-error.js';

/** The flags that only a detached container (kept in the engine's store) has a use for. */
const DETACHED_ONLY: readonly (readonly [key: string, flag: string])[] = [
  ['name', '--name'],
  ['restart', '--restart'],
  ['logOpt', '--log-opt'],
];

/** An error naming the first of those given to a foreground run, which keeps no container. */
export function detachedOnly(flags: Readonly<Record<string, unknown>>): UsageError | undefined {
  for (const [key, flag] of DETACHED_ONLY) {
    const value = flags[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      return new UsageError(
        `${flag}: only with -d for now (a foreground run keeps no container to name, restart or log)`,
      );
    }
  }
  return undefined;
}
