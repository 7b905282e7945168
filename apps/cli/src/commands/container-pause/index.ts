import { pauseContainer, unpauseContainer } from '@gc/engine';
import { eachContainer } from '../../each-container.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';

const USAGE = `Usage: gocontainer pause|unpause CONTAINER [CONTAINER...]

pause freezes every process of running containers (the cgroup freezer);
unpause thaws them. (runc's pause and resume act on OCI containers.)
`;

/** Docker's `pause` and `unpause` of engine containers. */
export function containerPauseCommand(
  argv: readonly string[],
  global: GlobalOptions,
  name = 'pause',
  thaw = false,
): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer pause|unpause', `gocontainer ${name}`),
      options: [],
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'CONTAINER [CONTAINER...]',
      run({ rest }) {
        const ctx = engineContext(global);
        return eachContainer(name, ctx, rest, async (record, ref) => {
          await (thaw ? unpauseContainer : pauseContainer)(ctx, record);
          return ref;
        });
      },
    },
    argv,
  );
}
