import { runCommand } from './commands/run/index.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: gocontainer COMMAND [ARG...]

Run containers: gocontainer run /bin/bash gives an isolated shell, with no setup.

Commands:
  run     Run a command in a new container

Run 'gocontainer COMMAND --help' for a command's options.
`;

/** The gocontainer CLI: argv in, exit code out. Commands live in src/commands/<name>/. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    default:
      return reportError(new UsageError(`"${command}" is not a gocontainer command (see gocontainer --help)`));
  }
}
