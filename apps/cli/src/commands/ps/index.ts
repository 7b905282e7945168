import { spawnSync } from 'node:child_process';
import { ps } from '@gc/runtime';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { containerIdArgument, openRuntime } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';

const PS_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'format',
    long: 'format',
    short: 'f',
    value: 'table|json',
    help: 'table (default): ps(1) output; json: the pids',
  },
  { key: 'help', long: 'help', short: 'h', help: 'this help' },
];

const USAGE = `Usage: gocontainer ps [OPTIONS] ID [PS OPTIONS]

Show the processes of a container: the lines of the host's ps (run with PS
OPTIONS, default -ef) whose PID is in the container's cgroup, or with
--format json the pids as a JSON array (what containerd reads).

Options:
`;

/** `gocontainer ps`, as runc's. */
export function psCommand(argv: readonly string[], global: GlobalOptions = {}): number {
  try {
    const line = parseCommandLine('ps', argv, PS_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(PS_OPTIONS)}\n`);
      return 0;
    }
    const format = (line.flags.format as string | undefined) ?? 'table';
    if (format !== 'table' && format !== 'json') {
      throw new UsageError(`ps: --format: expected table or json, got ${JSON.stringify(format)}`, 1);
    }
    const id = containerIdArgument('ps', line.rest, true);
    const pids = ps(openRuntime(global), id);
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(pids)}\n`);
      return 0;
    }
    process.stdout.write(psTable(pids, line.rest.slice(1)));
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}

/** `ps ARGS` (default -ef), its header and the lines of `pids`. */
function psTable(pids: readonly number[], args: readonly string[]): string {
  const ran = spawnSync('ps', args.length > 0 ? [...args] : ['-ef'], { encoding: 'utf8' });
  if (ran.error) throw new UsageError(`ps: run ps: ${ran.error.message}`, 1);
  if (ran.status !== 0) throw new UsageError(`ps: ps ${args.join(' ')} exited ${ran.status}: ${ran.stderr.trim()}`, 1);
  const [header = '', ...lines] = ran.stdout.split('\n');
  const column = header.trim().split(/\s+/).indexOf('PID');
  if (column === -1) throw new UsageError(`ps: no PID column in the output of ps ${args.join(' ')}`, 1);
  const wanted = new Set(pids);
  const shown = lines.filter((l) => l.trim() !== '' && wanted.has(Number(l.trim().split(/\s+/)[column])));
  return `${[header, ...shown].join('\n')}\n`;
}
