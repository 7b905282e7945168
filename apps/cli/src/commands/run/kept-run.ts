/** The flags that need a container kept in the engine's store (a name, a restart policy, a log, detaching). */
const KEPT_ONLY: readonly string[] = ['name', 'restart', 'logOpt', 'detachKeys'];

/**
 * Whether a foreground run is kept as the engine's container, as `docker
 * run` keeps every one: created, started under a monitor and attached to,
 * so that `ps -a`, `logs`, `start` and `rm` find it after it exits (or
 * after Ctrl-P Ctrl-Q). Only with a flag that needs it: a plain run stays
 * on the fast path, a child of this process, and leaves nothing (as with
 * --rm).
 */
export function keptRun(flags: Readonly<Record<string, unknown>>): boolean {
  return KEPT_ONLY.some((key) => {
    const value = flags[key];
    return value !== undefined && !(Array.isArray(value) && value.length === 0);
  });
}
