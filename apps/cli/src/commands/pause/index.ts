import { pause } from '@gc/runtime';
import { parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { containerIdArgument, openRuntime } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer pause ID

Freeze every process of a created or running container (its cgroup's freezer).
The container shows as paused until gocontainer resume thaws it.
`;

/** `gocontainer pause ID`, as runc's: nothing printed, exit 0; or exit 1 with the error. */
export async function pauseCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  try {
    const line = parseCommandLine('pause', argv, [{ key: 'help', long: 'help', short: 'h', help: 'this help' }]);
    if (line.flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const id = containerIdArgument('pause', line.rest);
    await pause(openRuntime(global), id);
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}
