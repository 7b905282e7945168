import { resumeContainer } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer resume CONTAINER_ID

Thaw a paused container: its processes run again.
`;

/** `gocontainer resume ID`, as runc's: nothing printed, exit 0; or exit 1 with the error. */
export function resumeCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'resume',
      usage: USAGE,
      options: [],
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ rest }) {
        await resumeContainer(runtimeContext(global), rest[0] as string);
        return 0;
      },
    },
    argv,
  );
}
