// Its own module: the run bundle asks it on every `run` before loading either command.

/** Options only runc's run has: any of them (or a bundle in the current directory) makes `run` runc's. */
const OCI_ONLY = new Set([
  '-b',
  '--bundle',
  '--pid-file',
  '--console-socket',
  '--preserve-fds',
  '--no-pivot',
  '--no-new-keyring',
  '--keep',
]);

/**
 * Is this `run` runc's (`run [--bundle B] ID`) rather than Docker's (`run
 * [OPTIONS] COMMAND`)? Yes with an option only runc's has, or with one
 * argument that is a container id and a config.json in the current directory
 * (runc's `cd bundle && runc run ID`).
 */
export function isOciRun(argv: readonly string[], bundleHere: () => boolean): boolean {
  for (const arg of argv) {
    if (!arg.startsWith('-')) break;
    if (OCI_ONLY.has(arg.split('=')[0] as string)) return true;
  }
  const positional = argv.filter((a) => !a.startsWith('-'));
  return positional.length === 1 && /^[\w+.-]+$/.test(positional[0] as string) && bundleHere();
}
