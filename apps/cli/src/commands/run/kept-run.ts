/** The flags that need a container kept in the engine's store (a name, a restart policy, a log, detaching). */
const KEPT_ONLY: readonly string[] = ['name', 'restart', 'logOpt', 'detachKeys'];

/**
 * Whether a foreground run is kept as the engine's container, as `docker
 * run` keeps every one: created, started under a monitor and attached to,
 * so that `ps -a`, `logs`, `start` and `rm` find it after it exits, and the
 * detach keys leave it running. With a flag that needs it, and for an
 * image run with `-i` and `-t` (an interactive session, where Ctrl-P
 * Ctrl-Q is expected to detach). Any other run stays on the fast path, a
 * child of this process that leaves nothing (as with --rm): `run busybox
 * true` and `run /bin/bash` keep their start-up.
 */
export function keptRun(flags: Readonly<Record<string, unknown>>, imageRun: boolean): boolean {
  if (imageRun && flags.interactive === true && flags.tty === true) return true;
  // --sig-proxy=false: a signal ends this process, and the container must outlive it.
  if (flags.sigProxy === false) return true;
  return KEPT_ONLY.some((key) => {
    const value = flags[key];
    return value !== undefined && !(Array.isArray(value) && value.length === 0);
  });
}
