import { type ContainerRecord, matchesFilter, parseFilters, pruneContainers } from '@gc/engine';
import type { OptionSpec } from '../../command-line.js';
import { confirm } from '../../confirm.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { humanSize } from '../../human-size.js';
import { runImageCommand } from '../../image-command.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'force', long: 'force', short: 'f', help: 'do not ask for confirmation' },
  {
    key: 'filter',
    long: 'filter',
    value: 'label=KEY[=VALUE]',
    multiple: true,
    help: 'only containers with this label',
  },
];

const USAGE = `Usage: gocontainer container prune [OPTIONS]

Remove all stopped containers (created or exited); print their IDs and the
space their logs and writable layers took.
`;

export async function containerPruneCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  const name = 'container prune';
  return runImageCommand(
    {
      name,
      usage: USAGE,
      options: OPTIONS,
      args: [0, 0],
      argsHelp: 'none',
      async run({ flags }) {
        const values = flags.filter as string[];
        for (const v of values) {
          if (!v.startsWith('label='))
            throw new UsageError(`${name}: --filter: expected label=KEY[=VALUE], got ${JSON.stringify(v)}`);
        }
        const filter = parseFilters(values);
        if (flags.force !== true) {
          const yes = await confirm(
            'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ',
          );
          if (!yes) return 0;
        }
        const keep = (record: ContainerRecord) => !matchesFilter(filter, { record, status: 'exited', exitCode: 0 });
        const { deleted, reclaimed } = await pruneContainers(engineContext(global), keep);
        writeStdout(
          `${deleted.length > 0 ? `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n` : ''}Total reclaimed space: ${humanSize(reclaimed, 3)}\n`,
        );
        return 0;
      },
    },
    argv,
  );
}
