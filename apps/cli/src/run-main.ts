import { existsSync } from 'node:fs';
import { beginCommand } from './begin-command.js';
import { isOciRun } from './commands/oci-run/is-oci-run.js';
import { runCommand } from './commands/run/index.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

/**
 * The entry of `gocontainer run` (dist/run.cjs; bin/gocontainer.cjs picks
 * it), timed against `node -e 0` and `podman run`: its own bundle, built
 * from the packages' sources, so that it holds what `run` runs and no other
 * command's code. runc's `run --bundle` (an engine's) is loaded only when
 * asked for; main.ts runs the same command too.
 */
export async function main(argv: string[]): Promise<number> {
  const call = beginCommand(argv);
  if (typeof call === 'number') return call;
  const { global, command, rest } = call;
  if (command !== 'run') {
    return reportError(new UsageError(`"${command}" is not a command of dist/run.cjs (see gocontainer --help)`));
  }
  if (isOciRun(rest, () => existsSync('config.json'))) {
    return (await import('./commands/oci-run/index.js')).ociRunCommand(rest, global);
  }
  return runCommand(rest, global);
}
