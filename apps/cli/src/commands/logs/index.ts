import { containerNow, parseSince, readLog } from '@gc/engine';
import type { OptionSpec } from '../../command-line.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { UsageError } from '../../usage-error.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'follow', long: 'follow', short: 'f', help: 'follow the output until the container stops' },
  { key: 'tail', long: 'tail', short: 'n', value: 'N', help: 'only the last N lines (default all)' },
  {
    key: 'since',
    long: 'since',
    value: 'TIME',
    help: 'lines since a time (2026-12-01T19:20:00Z) or a duration before now (10m)',
  },
  { key: 'until', long: 'until', value: 'TIME', help: 'lines before a time or a duration before now' },
  { key: 'timestamps', long: 'timestamps', short: 't', help: "show each line's time" },
  { key: 'details', long: 'details', help: 'accepted, as Docker (no log attributes are kept)' },
];

const USAGE = `Usage: gocontainer logs [OPTIONS] CONTAINER

Show a container's output, from its json-file log (with the rotated ones):
stdout to stdout, stderr to stderr.
`;

function parseTail(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === 'all') return undefined;
  if (!/^\d+$/.test(text))
    throw new UsageError(`${name}: --tail: expected a number of lines or "all", got ${JSON.stringify(text)}`);
  return Number(text);
}

function time(text: string | undefined, flag: string, name: string): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseSince(text, flag);
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message}`);
  }
}

/** Write, and wait for the stream when it holds too much already. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise((resolve) => stream.once('drain', resolve));
}

export function logsCommand(argv: readonly string[], global: GlobalOptions, name = 'logs'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer logs', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, 1],
      argsHelp: 'CONTAINER',
      async run({ flags, rest }) {
        const tail = parseTail(flags.tail as string | undefined, name);
        const since = time(flags.since as string | undefined, '--since', name);
        const until = time(flags.until as string | undefined, '--until', name);
        const ctx = engineContext(global);
        const record = ctx.store.find(rest[0] as string);
        const running = () => {
          const { state } = containerNow(ctx, record);
          return state.running || state.restarting;
        };
        const entries = readLog(ctx.store.logPath(record.id), {
          ...(tail !== undefined ? { tail } : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          ...(flags.follow === true ? { follow: { running } } : {}),
        });
        for await (const e of entries) {
          const line = flags.timestamps === true ? `${e.time} ${e.log}` : e.log;
          await write(e.stream === 'stderr' ? process.stderr : process.stdout, line);
        }
        return 0;
      },
    },
    argv,
  );
}
