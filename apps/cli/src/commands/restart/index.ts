import { stopContainer } from '@gc/engine';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { startOne } from '../container-start/index.js';
import { parseStopTime } from '../stop/index.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'time',
    long: 'time',
    short: 't',
    value: 'SECONDS',
    help: 'seconds to wait for it to stop before SIGKILL (default: its stop timeout, else 10; -1: no limit)',
  },
  { key: 'help', long: 'help', help: 'show this help' },
];

const USAGE = `Usage: gocontainer restart [OPTIONS] CONTAINER [CONTAINER...]

Stop each container as \`stop\` does (its stop signal, then SIGKILL after the
timeout) and start it again under a new monitor. A stopped container is
only started.

Options:
`;

/** Docker's `restart [-t N] CONTAINER...`: prints each container as named. */
export async function restartCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  try {
    const line = parseCommandLine('restart', argv, OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(OPTIONS)}\n`);
      return 0;
    }
    const seconds = parseStopTime(line.flags.time as string | undefined, 'restart');
    if (line.rest.length === 0) throw new UsageError('restart: expected at least one container');
    const ctx = engineContext(global);
    let failed = 0;
    for (const ref of line.rest) {
      try {
        const record = ctx.store.find(ref);
        await stopContainer(ctx, record, {
          forRestart: true,
          ...(seconds !== undefined ? { timeoutSeconds: seconds } : {}),
        });
        await startOne(record, global);
        process.stdout.write(`${ref}\n`);
      } catch (e) {
        failed = reportError(e);
      }
    }
    return failed === 0 ? 0 : 1;
  } catch (e) {
    return reportError(e);
  }
}
