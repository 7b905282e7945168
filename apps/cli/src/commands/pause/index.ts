import { pauseContainer } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer pause CONTAINER_ID

Freeze every process of a created or running container (its cgroup's freezer).
The container shows as paused until gocontainer resume thaws it.
`;

/** `gocontainer pause ID`, as runc's: nothing printed, exit 0; or exit 1 with the error. */
export function pauseCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'pause',
      usage: USAGE,
      options: [],
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ rest }) {
        await pauseContainer(runtimeContext(global), rest[0] as string);
        return 0;
      },
    },
    argv,
  );
}
