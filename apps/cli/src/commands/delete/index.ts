import { deleteContainer } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { reportWarning } from '../../report-error.js';
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
        const ctx = runtimeContext(global);
        for (const w of await deleteContainer(ctx, rest[0] as string, { force: flags.force === true }))
          reportWarning(w);
        return 0;
      },
    },
    argv,
  );
}
