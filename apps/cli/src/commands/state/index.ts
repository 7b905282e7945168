import { containerState } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer state CONTAINER_ID

Show the container's state, as the OCI runtime spec defines it (JSON).
`;

export function stateCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'state',
      usage: USAGE,
      options: [],
      args: [1, 1],
      argsHelp: 'the container id',
      run({ rest }) {
        const state = containerState(runtimeContext(global), rest[0] as string);
        process.stdout.write(`${JSON.stringify(state, null, '  ')}\n`);
        return 0;
      },
    },
    argv,
  );
}
