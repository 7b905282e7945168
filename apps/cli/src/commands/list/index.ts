import { type ContainerSummary, list } from '@gc/runtime';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { openRuntime } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';

const LIST_OPTIONS: readonly OptionSpec[] = [
  { key: 'format', long: 'format', short: 'f', value: 'table|json', help: 'table (default) or json' },
  { key: 'quiet', long: 'quiet', short: 'q', help: 'only the container ids' },
  { key: 'help', long: 'help', short: 'h', help: 'this help' },
];

const USAGE = `Usage: gocontainer list [OPTIONS]

List the containers under --root: ID, PID, STATUS, BUNDLE, CREATED, OWNER.

Options:
`;

/** `gocontainer list`, as runc's. */
export function listCommand(argv: readonly string[], global: GlobalOptions = {}): number {
  try {
    const line = parseCommandLine('list', argv, LIST_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(LIST_OPTIONS)}\n`);
      return 0;
    }
    if (line.rest.length > 0) throw new UsageError(`list: takes no arguments, got ${JSON.stringify(line.rest[0])}`, 1);
    const format = (line.flags.format as string | undefined) ?? 'table';
    if (format !== 'table' && format !== 'json') {
      throw new UsageError(`list: --format: expected table or json, got ${JSON.stringify(format)}`, 1);
    }
    const containers = list(openRuntime(global));
    if (line.flags.quiet) process.stdout.write(containers.map((c) => `${c.id}\n`).join(''));
    else if (format === 'json') process.stdout.write(`${JSON.stringify(containers)}\n`);
    else process.stdout.write(table(containers));
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}

/**
 * runc's table: Go's tabwriter with a minimum cell width of 12 and a padding
 * of 3 spaces; the last column is not padded.
 */
export function table(containers: readonly ContainerSummary[]): string {
  const rows = [
    ['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'],
    ...containers.map((c) => [c.id, String(c.pid), c.status, c.bundle, c.created, c.owner]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(12, ...rows.map((r) => (r[i] as string).length + 3))) ?? [];
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number))).join(''))
    .map((l) => `${l}\n`)
    .join('');
}
