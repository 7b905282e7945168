import { beginCommand } from './begin-command.js';
import { chooseFlavour } from './command-choice.js';
import { deleteCommand } from './commands/delete/index.js';
import { killCommand } from './commands/kill/index.js';
import { startCommand } from './commands/start/index.js';
import { stateCommand } from './commands/state/index.js';
import { lifecycleProbes } from './lifecycle-probes.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

/** The main bundle (dist/main.cjs), for a line that may be Docker's (bin/gocontainer.cjs loads it). */
export type LoadFullCli = () => { main(argv: string[]): Promise<number> };

/**
 * The entry of the commands an engine calls for each container: start,
 * state, kill, delete (dist/lifecycle.cjs; bin/gocontainer.cjs picks it).
 * Its own bundle, so that none of the planning code (the container plan,
 * the primitives' planners, seccomp, the config's schema) is read, compiled
 * or evaluated: each command costs little more than Node's own start.
 * main.ts runs the same commands too. A `start` or `kill` that may be
 * Docker's (command-choice.ts: no --root, no such OCI container, and the
 * engine has containers) goes to the main bundle, which decides exactly.
 */
export async function main(argv: string[], loadFull?: LoadFullCli): Promise<number> {
  const call = beginCommand(argv);
  if (typeof call === 'number') return call;
  const { global, command, rest } = call;
  if (
    loadFull &&
    (command === 'start' || command === 'kill') &&
    chooseFlavour(command, rest, global, lifecycleProbes(global)) === 'docker'
  ) {
    return loadFull().main(argv);
  }
  switch (command) {
    case 'start':
      return startCommand(rest, global);
    case 'state':
      return stateCommand(rest, global);
    case 'kill':
      return killCommand(rest, global);
    case 'delete':
      return deleteCommand(rest, global);
    default:
      return reportError(
        new UsageError(`"${command}" is not a command of dist/lifecycle.cjs (see gocontainer --help)`),
      );
  }
}
