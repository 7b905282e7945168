import { RUN_ROOT } from '@gc/runtime';
import { runCommand } from './commands/run/index.js';
import { type GlobalOptions, parseGlobalOptions } from './global-options.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

declare const __GC_VERSION__: string | undefined;
/** apps/cli/package.json's version, put in by tsup at build time. */
const VERSION = typeof __GC_VERSION__ === 'string' ? __GC_VERSION__ : '0.0.0-dev';

const HELP = `Usage: gocontainer [--root DIR] COMMAND [ARG...]

Run containers: gocontainer run /bin/bash gives an isolated shell, with no setup.

Commands:
  run       Run a command in a new container
  version   Show the version (also --version, -v)

Options:
  --root DIR  where gocontainer keeps its state (default ${RUN_ROOT})

Run 'gocontainer COMMAND --help' for a command's options.
`;

/** The gocontainer CLI: argv in, exit code out. Commands live in src/commands/<name>/. */
export async function main(argv: string[]): Promise<number> {
  let global: GlobalOptions;
  let line: string[];
  try {
    ({ global, rest: line } = parseGlobalOptions(argv));
  } catch (e) {
    return reportError(e);
  }
  const [command, ...rest] = line;
  switch (command) {
    case 'run':
      return runCommand(rest, global);
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(`gocontainer version ${VERSION}\nnode: ${process.version}\n`);
      return 0;
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    default:
      return reportError(new UsageError(`"${command}" is not a gocontainer command (see gocontainer --help)`));
  }
}
