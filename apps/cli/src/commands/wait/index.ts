import { waitContainer } from '@gc/engine';
import { eachContainer } from '../../each-container.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';

const USAGE = `Usage: gocontainer wait CONTAINER [CONTAINER...]

Wait until containers stop, then print each one's exit code.
`;

export function waitCommand(argv: readonly string[], global: GlobalOptions, name = 'wait'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer wait', `gocontainer ${name}`),
      options: [],
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'CONTAINER [CONTAINER...]',
      run({ rest }) {
        const ctx = engineContext(global);
        return eachContainer(name, ctx, rest, async (record) => String(await waitContainer(ctx, record)));
      },
    },
    argv,
  );
}
