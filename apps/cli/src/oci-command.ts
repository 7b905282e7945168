import { type CommandLine, formatOptions, type OptionSpec, parseCommandLine } from './command-line.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

const HELP: OptionSpec = { key: 'help', long: 'help', short: 'h', help: 'this help' };

export interface OciCommand {
  readonly name: string;
  /** `Usage: gocontainer NAME ...` and a paragraph. */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** How many arguments after the options: [least, most]. */
  readonly args: readonly [number, number];
  /** What they are, for the error: `a container id`. */
  readonly argsHelp: string;
  run(line: CommandLine): Promise<number> | number;
}

/**
 * A runc-style command: options, then its arguments; `--help`; any failure
 * is reported (stderr, and the --log file engines read) with exit 1, as runc.
 */
export async function runOciCommand(command: OciCommand, argv: readonly string[]): Promise<number> {
  const options = [...command.options, HELP];
  try {
    const line = parseCommandLine(command.name, argv, options);
    if (line.flags.help) {
      process.stdout.write(`${command.usage}\nOptions:\n${formatOptions(options)}\n`);
      return 0;
    }
    const [least, most] = command.args;
    if (line.rest.length < least || line.rest.length > most) {
      const what =
        least === most ? `${least}` : most === Number.POSITIVE_INFINITY ? `at least ${least}` : `${least} to ${most}`;
      throw new UsageError(
        `${command.name}: expected ${what} argument${most === 1 ? '' : 's'} (${command.argsHelp}), got ${line.rest.length}`,
        1,
      );
    }
    return await command.run(line);
  } catch (e) {
    reportError(e);
    return 1;
  }
}
