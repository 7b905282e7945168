import { containerEvents, containerStats, DEFAULT_EVENTS_INTERVAL_MS } from '@gc/runtime';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';
import { parseDuration } from './duration.js';

const EVENTS_OPTIONS: readonly OptionSpec[] = [
  { key: 'stats', long: 'stats', help: "print the container's stats once, then exit" },
  { key: 'interval', long: 'interval', value: 'DURATION', help: 'time between two stats (default 5s)' },
];

const USAGE = `Usage: gocontainer events [OPTIONS] CONTAINER_ID

Print a container's events as JSON lines, as runc does: {"type":"stats",
"id":ID,"data":{...}} every interval (cpu, memory, pids, blkio: runc's
stats), and {"type":"oom","id":ID} when the OOM killer fires in it. Ends
when the container stops.
`;

/** `gocontainer events`, as runc's. */
export function eventsCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'events',
      usage: USAGE,
      options: EVENTS_OPTIONS,
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ flags, rest }) {
        const id = rest[0] as string;
        const given = flags.interval as string | undefined;
        const interval = given === undefined ? DEFAULT_EVENTS_INTERVAL_MS : parseDuration('interval', given);
        if (interval <= 0) throw new UsageError(`events: --interval: must be above 0, got ${JSON.stringify(given)}`, 1);
        const ctx = runtimeContext(global);
        if (flags.stats) {
          process.stdout.write(`${JSON.stringify({ type: 'stats', id, data: containerStats(ctx, id) })}\n`);
          return 0;
        }
        for await (const event of containerEvents(ctx, id, { interval })) {
          process.stdout.write(`${JSON.stringify(event)}\n`);
        }
        return 0;
      },
    },
    argv,
  );
}
