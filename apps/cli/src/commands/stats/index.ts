import {
  type ContainerRecord,
  type ContainerStats,
  type ContainerStore,
  createContainerStore,
  createStatsSampler,
  liveInit,
  type StatsReading,
  type StatsTarget,
} from '@gc/engine';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { reportError } from '../../report-error.js';
import { writeStdout } from '../../write-stdout.js';
import { type StatsSubject, statsFormat, statsRow } from './stats-row.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'all', long: 'all', short: 'a', help: 'show every container (default: the running ones)' },
  {
    key: 'format',
    long: 'format',
    value: 'table|json|TEMPLATE',
    help: "table (default), json (one object a line), or a Go template ('table {{.Name}}\\t{{.CPUPerc}}')",
  },
  { key: 'noStream', long: 'no-stream', help: 'print the figures once, and exit' },
  { key: 'noTrunc', long: 'no-trunc', help: 'do not truncate the container IDs' },
];

const USAGE = `Usage: gocontainer stats [OPTIONS] [CONTAINER...]

What containers use: CPU %, memory usage / limit and %, network I/O (of the
container's network namespace), block I/O, and pids. Default: every running
container. On a terminal the table is redrawn every second until Ctrl-C; with
--no-stream, or when the output is not a terminal, it is printed once.
`;

/** Between the two passes of the first figures: CPU % needs two, and the clock measures them exactly. */
const FIRST_FRAME_MS = 100;
const REFRESH_MS = 1000;
/** Cursor home, clear to the end of the screen; hide and show the cursor. */
const HOME_CLEAR = '\x1b[H\x1b[J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Shown extends StatsSubject {
  /** The container's init, while it runs. */
  readonly pid: number | undefined;
}

/** The containers to show now: those named (running or not), else the running ones (`all`: every one). */
function chooser(store: ContainerStore, refs: readonly string[], all: boolean): () => Shown[] {
  const shown = (r: ContainerRecord, container: string): Shown => ({
    container,
    id: r.id,
    name: r.name,
    pid: liveInit(store.readState(r.id)),
  });
  if (refs.length > 0) {
    // Named ones are looked up once: a name that does not exist fails at once, as Docker's.
    const named = refs.map((ref) => ({ ref, record: store.find(ref) }));
    return () => named.map(({ ref, record }) => shown(record, ref));
  }
  return () =>
    store
      .list()
      .map((r) => shown(r, r.id.slice(0, 12)))
      .filter((s) => all || s.pid !== undefined);
}

const targetsOf = (shown: readonly Shown[]): StatsTarget[] =>
  shown.filter((s) => s.pid !== undefined).map((s) => ({ id: s.id, pid: s.pid as number }));

/** `gocontainer stats`, as Docker's. */
export function statsCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runImageCommand(
    {
      name: 'stats',
      usage: USAGE,
      options: OPTIONS,
      args: [0, Number.POSITIVE_INFINITY],
      argsHelp: 'CONTAINER...',
      async run({ flags, rest }) {
        const print = statsFormat(flags.format as string | undefined);
        const noTrunc = flags.noTrunc === true;
        const choose = chooser(createContainerStore({ dataRoot: global.dataRoot }), rest, flags.all === true);
        const sampler = createStatsSampler();
        let previous: StatsReading | undefined;
        /** One pass, and the figures of `shown` from it and the one before, printed as asked. */
        const frame = (shown: readonly Shown[] = choose()): string => {
          const current = sampler.read(targetsOf(shown));
          const stats = sampler.compute(
            shown.map((s) => s.id),
            previous,
            current,
          );
          previous = current;
          return print(shown.map((s) => statsRow(s, stats.get(s.id) as ContainerStats, noTrunc)));
        };
        const shown = choose();
        const running = targetsOf(shown);
        previous = sampler.read(running, { cpuOnly: true });
        // Nothing running, nothing to measure twice.
        if (running.length > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_FRAME_MS));
        // process.stdout (node:tty, and the node:net it loads) only when it is asked.
        if (flags.noStream === true || process.stdout.isTTY !== true) {
          writeStdout(frame(shown));
          return 0;
        }
        return redraw(frame);
      },
    },
    argv,
  );
}

/**
 * Redraw the figures in place every second (cursor home, clear, the table:
 * one write, so the screen does not flicker) until a signal; the cursor is
 * hidden meanwhile and shown again at the end.
 */
function redraw(frame: () => string): Promise<number> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const end = (code: number) => {
      clearTimeout(timer);
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
      writeStdout(SHOW_CURSOR);
      resolve(code);
    };
    const stop = () => end(0);
    const draw = () => {
      try {
        writeStdout(`${HOME_CLEAR}${frame()}`);
      } catch (e) {
        reportError(e);
        end(1);
        return;
      }
      timer = setTimeout(draw, REFRESH_MS);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    writeStdout(HIDE_CURSOR);
    draw();
  });
}
