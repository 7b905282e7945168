import { deleteContainer } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer delete [OPTIONS] CONTAINER_ID

Delete a stopped (or created) container: its cgroup and state. With --force,
a running one is killed first, and a container that does not exist is no error.
`;

export function deleteCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'delete',
      usage: USAGE,
      options: [
        { key: 'force', long: 'force', short: 'f', help: 'kill a running container first; a missing one is fine' },
      ],
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ flags, rest }) {
        await deleteContainer(runtimeContext(global), rest[0] as string, { force: flags.force === true });
        return 0;
      },
    },
    argv,
  );
}
