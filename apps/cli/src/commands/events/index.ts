import { DEFAULT_EVENTS_INTERVAL_MS, events, stats } from '@gc/runtime';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { containerIdArgument, openRuntime } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';
import { parseDuration } from './duration.js';

const EVENTS_OPTIONS: readonly OptionSpec[] = [
  { key: 'stats', long: 'stats', help: "print the container's stats once, then exit" },
  { key: 'interval', long: 'interval', value: 'DURATION', help: 'time between two stats (default 5s)' },
  { key: 'help', long: 'help', short: 'h', help: 'this help' },
];

const USAGE = `Usage: gocontainer events [OPTIONS] ID

Print a container's events as JSON lines, as runc does: {"type":"stats",
"id":ID,"data":{...}} every interval (cpu, memory, pids, blkio: runc's
stats), and {"type":"oom","id":ID} when the OOM killer fires in it. Ends
when the container stops.

Options:
`;

/** `gocontainer events`, as runc's. */
export async function eventsCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  try {
    const line = parseCommandLine('events', argv, EVENTS_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(EVENTS_OPTIONS)}\n`);
      return 0;
    }
    const id = containerIdArgument('events', line.rest);
    const given = line.flags.interval as string | undefined;
    const interval = given === undefined ? DEFAULT_EVENTS_INTERVAL_MS : parseDuration('interval', given);
    if (interval <= 0) throw new UsageError(`events: --interval: must be above 0, got ${JSON.stringify(given)}`, 1);
    const ctx = openRuntime(global);
    if (line.flags.stats) {
      process.stdout.write(`${JSON.stringify({ type: 'stats', id, data: stats(ctx, id) })}\n`);
      return 0;
    }
    for await (const event of events(ctx, id, { interval })) process.stdout.write(`${JSON.stringify(event)}\n`);
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}
