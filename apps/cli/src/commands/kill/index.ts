import { killContainer } from '@gc/runtime';
import { signalNumber } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';

const USAGE = `Usage: gocontainer kill [OPTIONS] CONTAINER_ID [SIGNAL]

Send a signal (default SIGTERM) to the container's process: a name (TERM,
SIGTERM) or a number (15).
`;

function parseSignal(text: string): number {
  try {
    return signalNumber(text);
  } catch {
    throw new UsageError(
      `kill: SIGNAL: expected a signal name (TERM, SIGKILL) or number (1-64), got ${JSON.stringify(text)}`,
      1,
    );
  }
}

export function killCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'kill',
      usage: USAGE,
      options: [{ key: 'all', long: 'all', short: 'a', help: "send it to every process of the container's cgroup" }],
      args: [1, 2],
      argsHelp: 'the container id and a signal',
      async run({ flags, rest }) {
        const signal = parseSignal(rest[1] ?? 'SIGTERM');
        await killContainer(runtimeContext(global), rest[0] as string, signal, { all: flags.all === true });
        return 0;
      },
    },
    argv,
  );
}
