import { type CommandLine, formatOptions, type OptionSpec, parseCommandLine } from './command-line.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

const HELP: OptionSpec = { key: 'help', long: 'help', help: 'show this help' };

export interface ImageCommand {
  /** As the user typed it, for messages: `rmi`, `image prune`. */
  readonly name: string;
  /** `Usage: gocontainer NAME ...` and a paragraph. */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** How many arguments: [least, most]. */
  readonly args: readonly [number, number];
  /** What they are, for the error: `IMAGE [IMAGE...]`. */
  readonly argsHelp: string;
  run(line: CommandLine): Promise<number> | number;
}

/**
 * Options and arguments in any order, as Docker's image commands take them
 * (`rmi busybox -f`); after `--` everything is an argument. Values of a
 * repeated option are kept in order.
 */
export function parseInterspersed(name: string, argv: readonly string[], specs: readonly OptionSpec[]): CommandLine {
  const valued = new Set(
    specs.filter((s) => s.value !== undefined).flatMap((s) => [`--${s.long}`, ...(s.short ? [`-${s.short}`] : [])]),
  );
  const options: string[] = [];
  const rest: string[] = [];
  for (let at = 0; at < argv.length; at++) {
    const arg = argv[at] as string;
    if (arg === '--') {
      rest.push(...argv.slice(at + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      rest.push(arg);
      continue;
    }
    options.push(arg);
    // A value in the next argument (`-o FILE`), which may start with a dash.
    if (valued.has(arg) && at + 1 < argv.length) options.push(argv[++at] as string);
  }
  return { flags: parseCommandLine(name, options, specs).flags, rest };
}

/**
 * A Docker-style image command: options (anywhere), its arguments, `--help`.
 * A usage error exits 125 and any other failure 1, as the docker CLI.
 */
export async function runImageCommand(command: ImageCommand, argv: readonly string[]): Promise<number> {
  const options = [...command.options, HELP];
  let line: CommandLine;
  try {
    line = parseInterspersed(command.name, argv, options);
    if (line.flags.help) {
      process.stdout.write(`${command.usage}${options.length > 1 ? `\nOptions:\n${formatOptions(options)}\n` : ''}`);
      return 0;
    }
    const [least, most] = command.args;
    if (line.rest.length < least || line.rest.length > most) {
      const what =
        least === most
          ? `exactly ${least}`
          : most === Number.POSITIVE_INFINITY
            ? `at least ${least}`
            : least === 0
              ? `at most ${most}`
              : `${least} to ${most}`;
      const named = least === most || most === Number.POSITIVE_INFINITY ? least : most;
      throw new UsageError(
        `${command.name}: expected ${what} argument${named === 1 ? '' : 's'} (${command.argsHelp}), got ${line.rest.length}`,
      );
    }
  } catch (e) {
    return reportError(e);
  }
  try {
    return await command.run(line);
  } catch (e) {
    const code = reportError(e);
    return e instanceof UsageError ? code : 1;
  }
}
