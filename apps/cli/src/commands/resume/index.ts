import { resume } from '@gc/runtime';
import { parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { containerIdArgument, openRuntime } from '../../runtime-context.js';

const USAGE = `Usage: gocontainer resume ID

Thaw a paused container: its processes run again.
`;

/** `gocontainer resume ID`, as runc's: nothing printed, exit 0; or exit 1 with the error. */
export async function resumeCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  try {
    const line = parseCommandLine('resume', argv, [{ key: 'help', long: 'help', short: 'h', help: 'this help' }]);
    if (line.flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const id = containerIdArgument('resume', line.rest);
    await resume(openRuntime(global), id);
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}
