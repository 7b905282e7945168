import { type ContainerSummary, listContainers } from '@gc/runtime';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';

const LIST_OPTIONS: readonly OptionSpec[] = [
  { key: 'format', long: 'format', short: 'f', value: 'table|json', help: 'table (default) or json' },
  { key: 'quiet', long: 'quiet', short: 'q', help: 'only the container ids' },
];

const USAGE = `Usage: gocontainer list [OPTIONS]

List the containers under --root: ID, PID, STATUS, BUNDLE, CREATED, OWNER.
`;

/** `gocontainer list`, as runc's. */
export function listCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'list',
      usage: USAGE,
      options: LIST_OPTIONS,
      args: [0, 0],
      argsHelp: 'none',
      run({ flags }) {
        const format = (flags.format as string | undefined) ?? 'table';
        if (format !== 'table' && format !== 'json') {
          throw new UsageError(`list: --format: expected table or json, got ${JSON.stringify(format)}`, 1);
        }
        const containers = listContainers(runtimeContext(global));
        if (flags.quiet) process.stdout.write(containers.map((c) => `${c.id}\n`).join(''));
        else if (format === 'json') process.stdout.write(`${JSON.stringify(containers)}\n`);
        else process.stdout.write(table(containers));
        return 0;
      },
    },
    argv,
  );
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
