import { containerTop } from '@gc/engine';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { tabTable } from '../../tab-table.js';
import { writeStdout } from '../../write-stdout.js';

const USAGE = `Usage: gocontainer top CONTAINER [ps OPTIONS]

Show the processes of a running container: the host's ps (with ps OPTIONS,
default -ef), its lines for the processes in the container's cgroup.
`;

export async function topCommand(argv: readonly string[], global: GlobalOptions, name = 'top'): Promise<number> {
  // ps's own options follow the container untouched (`top web aux`, `top web -o pid,comm`).
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const own = at === -1 ? argv : argv.slice(0, at + 1);
  const psArgs = at === -1 ? [] : argv.slice(at + 1);
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer top', `gocontainer ${name}`),
      options: [],
      args: [1, 1],
      argsHelp: 'CONTAINER',
      run({ rest }) {
        const ctx = engineContext(global);
        const top = containerTop(ctx, ctx.store.find(rest[0] as string), psArgs);
        writeStdout(tabTable([top.titles, ...top.processes]));
        return 0;
      },
    },
    own,
  );
}
