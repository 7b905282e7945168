import { killContainer, parseSignal } from '@gc/engine';
import type { OptionSpec } from '../../command-line.js';
import { eachContainer } from '../../each-container.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { UsageError } from '../../usage-error.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'signal',
    long: 'signal',
    short: 's',
    value: 'SIGNAL',
    help: 'the signal: a name (KILL, SIGHUP) or number (default SIGKILL)',
  },
];

const USAGE = `Usage: gocontainer kill [OPTIONS] CONTAINER [CONTAINER...]

Send a signal (default SIGKILL) to running containers (Docker's kill; runc's
is 'gocontainer kill CONTAINER_ID [SIGNAL]' on an OCI container).
`;

/** Docker's `kill` of engine containers. */
export function containerKillCommand(argv: readonly string[], global: GlobalOptions, name = 'kill'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer kill', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'CONTAINER [CONTAINER...]',
      run({ flags, rest }) {
        const signal = (flags.signal as string | undefined) ?? 'SIGKILL';
        try {
          parseSignal(signal);
        } catch (e) {
          throw new UsageError(`${name}: ${(e as Error).message}`);
        }
        const ctx = engineContext(global);
        return eachContainer(name, ctx, rest, async (record, ref) => {
          await killContainer(ctx, record, signal);
          return ref;
        });
      },
    },
    argv,
  );
}
