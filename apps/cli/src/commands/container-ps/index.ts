import {
  type ContainerRecord,
  type ContainerStore,
  containerNow,
  filterAsksForStopped,
  matchesFilter,
  parseFilters,
  writableLayerSize,
} from '@gc/engine';
import { imageSize } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { renderTemplate } from '../../go-template.js';
import { runImageCommand } from '../../image-command.js';
import { openImageStore } from '../../image-store.js';
import { tabTable } from '../../tab-table.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';
import { psRow, templateHeader } from './rows.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'all', long: 'all', short: 'a', help: 'show all containers (default: the running ones)' },
  { key: 'quiet', long: 'quiet', short: 'q', help: 'only the container IDs' },
  {
    key: 'format',
    long: 'format',
    value: 'table|json|TEMPLATE',
    help: 'table (default), json (one object a line) or a Go template ({{.Names}})',
  },
  {
    key: 'filter',
    long: 'filter',
    short: 'f',
    value: 'KEY=VALUE',
    multiple: true,
    help: 'status=running|exited|..., name=NAME, id=PREFIX, label=KEY[=VALUE], exited=CODE',
  },
  { key: 'last', long: 'last', short: 'n', value: 'N', help: 'the N newest containers (all states)' },
  { key: 'latest', long: 'latest', short: 'l', help: 'the newest container (all states)' },
  { key: 'noTrunc', long: 'no-trunc', help: 'do not truncate IDs and commands' },
  {
    key: 'size',
    long: 'size',
    short: 's',
    help: 'a SIZE column: what the container wrote (its writable layer), and with its image (virtual)',
  },
];

const USAGE = `Usage: gocontainer ps [OPTIONS]

List the engine's containers: CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS,
PORTS, NAMES, oldest last. (runc's ps is 'gocontainer ps [--format json]
CONTAINER_ID', on an OCI container.)
`;

const HEADER = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];

export function containerPsCommand(argv: readonly string[], global: GlobalOptions, name = 'ps'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer ps', `gocontainer ${name}`),
      options: OPTIONS,
      args: [0, 0],
      argsHelp: 'none',
      run({ flags }) {
        const filter = (() => {
          try {
            return parseFilters(flags.filter as string[]);
          } catch (e) {
            throw new UsageError(`${name}: ${(e as Error).message}`);
          }
        })();
        const lastText = flags.last as string | undefined;
        if (lastText !== undefined && !/^-?\d+$/.test(lastText)) {
          throw new UsageError(`${name}: --last: expected a number of containers, got ${JSON.stringify(lastText)}`);
        }
        const last = flags.latest === true ? 1 : lastText === undefined ? -1 : Number(lastText);
        const all = flags.all === true || filterAsksForStopped(filter) || last > 0;
        const ctx = engineContext(global);
        let shown = ctx.store
          .list()
          .map((record) => containerNow(ctx, record))
          .filter((c) => all || c.state.running || c.state.restarting)
          .filter((c) =>
            matchesFilter(filter, { record: c.record, status: c.state.status, exitCode: c.state.exitCode }),
          )
          .reverse();
        if (last > 0) shown = shown.slice(0, last);
        const noTrunc = flags.noTrunc === true;
        const now = Date.now();
        const sizes = flags.size === true ? sizesOf(global, ctx.store) : undefined;
        const rows = shown.map((c) => psRow(c, { noTrunc, now, ...(sizes ? { size: sizes(c.record) } : {}) }));
        const format = flags.format as string | undefined;
        if (flags.quiet === true) writeStdout(rows.map((r) => `${r.ID}\n`).join(''));
        else if (format === 'json') writeStdout(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
        else if (format?.startsWith('table ')) {
          // Docker's table templates: a header of the columns' titles, cells aligned where the template has tabs.
          const template = format.slice('table '.length).replaceAll('\\t', '\t');
          const lines = [templateHeader(template), ...rows.map((r) => renderTemplate(template, r))];
          writeStdout(tabTable(lines.map((l) => l.split('\t'))));
        } else if (format !== undefined && format !== 'table') {
          writeStdout(rows.map((r) => `${renderTemplate(format.replaceAll('\\t', '\t'), r)}\n`).join(''));
        } else {
          const withSize = sizes !== undefined;
          writeStdout(
            tabTable([
              withSize ? [...HEADER, 'SIZE'] : HEADER,
              ...rows.map((r) => [
                r.ID,
                r.Image,
                r.Command,
                r.RunningFor,
                r.Status,
                r.Ports,
                r.Names,
                ...(withSize ? [r.Size] : []),
              ]),
            ]),
          );
        }
        return 0;
      },
    },
    argv,
  );
}

/** Each container's writable layer and its image's size (0 for none: a `--rootfs` root, an image gone). */
function sizesOf(
  global: GlobalOptions,
  store: ContainerStore,
): (record: ContainerRecord) => { writable: number; image: number } {
  const images = openImageStore(global);
  return (record) => {
    const image = record.imageId === undefined ? undefined : images.findImage(record.imageId);
    return { writable: writableLayerSize(store, record.id), image: image === undefined ? 0 : imageSize(image) };
  };
}
