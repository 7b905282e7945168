import { startCreatedContainer } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer start CONTAINER_ID

Start a created container: its process goes on to exec the bundle's command.
`;

export function startCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'start',
      usage: USAGE,
      options: [],
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ rest }) {
        await startCreatedContainer(runtimeContext(global), rest[0] as string);
        return 0;
      },
    },
    argv,
  );
}
