import { stopContainer } from '@gc/engine';
import type { OptionSpec } from '../../command-line.js';
import { eachContainer } from '../../each-container.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { UsageError } from '../../usage-error.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'time',
    long: 'time',
    short: 't',
    value: 'SECONDS',
    help: "seconds to wait before SIGKILL (default: the container's stop timeout, else 10; -1: no limit)",
  },
  { key: 'timeout', long: 'timeout', value: 'SECONDS', help: 'the same as --time (its newer name)' },
  {
    key: 'signal',
    long: 'signal',
    short: 's',
    value: 'SIGNAL',
    help: "the first signal (default: the container's stop signal, else SIGTERM)",
  },
];

const USAGE = `Usage: gocontainer stop [OPTIONS] CONTAINER [CONTAINER...]

Stop running containers: the stop signal (SIGTERM unless the container says
otherwise), then SIGKILL after the timeout. A restart policy leaves a
stopped container stopped.
`;

/** `-t`: whole seconds, -1 for no limit. */
export function parseStopTime(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < -1) {
    throw new UsageError(
      `${name}: --time: expected whole seconds (0 or more, or -1: no limit), got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

export function stopCommand(argv: readonly string[], global: GlobalOptions, name = 'stop'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer stop', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'CONTAINER [CONTAINER...]',
      run({ flags, rest }) {
        const seconds = parseStopTime((flags.timeout ?? flags.time) as string | undefined, name);
        const signal = flags.signal as string | undefined;
        const ctx = engineContext(global);
        return eachContainer(name, ctx, rest, async (record, ref) => {
          await stopContainer(ctx, record, {
            ...(seconds !== undefined ? { timeoutSeconds: seconds } : {}),
            ...(signal !== undefined ? { signal } : {}),
          });
          return ref;
        });
      },
    },
    argv,
  );
}
