import { spawnSync } from 'node:child_process';
import { containerProcesses } from '@gc/runtime';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';

const PS_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'format',
    long: 'format',
    short: 'f',
    value: 'table|json',
    help: 'table (default): ps(1) output; json: the pids',
  },
];

const USAGE = `Usage: gocontainer ps [OPTIONS] CONTAINER_ID [PS OPTIONS]

Show the processes of a container: the lines of the host's ps (run with PS
OPTIONS, default -ef) whose PID is in the container's cgroup, or with
--format json the pids as a JSON array (what containerd reads).
`;

/** `gocontainer ps`, as runc's. */
export function psCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'ps',
      usage: USAGE,
      options: PS_OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'the container id, then options of ps',
      run({ flags, rest }) {
        const format = (flags.format as string | undefined) ?? 'table';
        if (format !== 'table' && format !== 'json') {
          throw new UsageError(`ps: --format: expected table or json, got ${JSON.stringify(format)}`, 1);
        }
        const pids = containerProcesses(runtimeContext(global), rest[0] as string);
        process.stdout.write(format === 'json' ? `${JSON.stringify(pids)}\n` : psTable(pids, rest.slice(1)));
        return 0;
      },
    },
    argv,
  );
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
