import { beginCommand } from './begin-command.js';
import { createCommand } from './commands/create/index.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

/**
 * The entry of runc's `create` (dist/create.cjs; bin/gocontainer.cjs picks
 * it), timed against `node -e 0` (bench/lifecycle): its own bundle, built
 * from the packages' sources as lifecycle's and run's are, so that it holds
 * what `create` runs and none of the Docker-style commands, the images or
 * the registry. main.ts runs the same command too.
 */
export async function main(argv: string[]): Promise<number> {
  const call = beginCommand(argv);
  if (typeof call === 'number') return call;
  const { global, command, rest } = call;
  if (command !== 'create') {
    return reportError(new UsageError(`"${command}" is not a command of dist/create.cjs (see gocontainer --help)`));
  }
  return createCommand(rest, global);
}
