import { removeContainer } from '@gc/engine';
import type { OptionSpec } from '../../command-line.js';
import { eachContainer } from '../../each-container.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'force', long: 'force', short: 'f', help: 'kill and remove a running container' },
  {
    key: 'volumes',
    long: 'volumes',
    short: 'v',
    help: 'remove anonymous volumes too (a container has none but its own layer)',
  },
];

const USAGE = `Usage: gocontainer rm [OPTIONS] CONTAINER [CONTAINER...]

Remove containers: their record, state, logs and writable layer, their cgroup
and run directory. A running one only with -f, which kills it first.
`;

export function rmCommand(argv: readonly string[], global: GlobalOptions, name = 'rm'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer rm', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'CONTAINER [CONTAINER...]',
      run({ flags, rest }) {
        const ctx = engineContext(global);
        return eachContainer(name, ctx, rest, async (record, ref) => {
          await removeContainer(ctx, record, { force: flags.force === true });
          return ref;
        });
      },
    },
    argv,
  );
}
