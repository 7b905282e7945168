import type { ContainerStats } from '@gc/engine';
import { renderTemplate } from '../../go-template.js';
import { binarySize, humanSize } from '../../human-size.js';
import { tabTable } from '../../tab-table.js';
import { UsageError } from '../../usage-error.js';

/** One line of `docker stats`, its keys in the order `--format json` writes them (Go's sorted map). */
export interface StatsRow {
  BlockIO: string;
  CPUPerc: string;
  /** The container as the user named it (ID prefix, name), or its short ID when none was named. */
  Container: string;
  ID: string;
  MemPerc: string;
  MemUsage: string;
  Name: string;
  NetIO: string;
  PIDs: string;
}

/** Which container a row is of, and how the user named it. */
export interface StatsSubject {
  readonly container: string;
  readonly id: string;
  readonly name: string;
}

const percent = (n: number) => `${n.toFixed(2)}%`;
/** Docker writes I/O in decimal units, 3 significant digits; memory in binary ones, 4. */
const io = (read: number, write: number) => `${humanSize(read, 3)} / ${humanSize(write, 3)}`;

export function statsRow(subject: StatsSubject, stats: ContainerStats, noTrunc = false): StatsRow {
  return {
    BlockIO: io(stats.blockRead, stats.blockWrite),
    CPUPerc: percent(stats.cpuPercent),
    Container: subject.container,
    ID: noTrunc ? subject.id : subject.id.slice(0, 12),
    MemPerc: percent(stats.memoryPercent),
    MemUsage: `${binarySize(stats.memoryUsage)} / ${binarySize(stats.memoryLimit)}`,
    Name: subject.name,
    NetIO: io(stats.netRx, stats.netTx),
    PIDs: String(stats.pids),
  };
}

const HEADERS: Readonly<Record<keyof StatsRow, string>> = {
  BlockIO: 'BLOCK I/O',
  CPUPerc: 'CPU %',
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  MemPerc: 'MEM %',
  MemUsage: 'MEM USAGE / LIMIT',
  Name: 'NAME',
  NetIO: 'NET I/O',
  PIDs: 'PIDS',
};

const DEFAULT_TABLE =
  'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** How `--format` says to print the rows: `table` (Docker's columns), `json`, `table TEMPLATE` or `TEMPLATE`. */
export type StatsFormat = (rows: readonly StatsRow[]) => string;

export function statsFormat(format = 'table'): StatsFormat {
  if (format === 'json') return (rows) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  // As the docker CLI: `\t` and `\n` typed in a shell's quotes are a tab and a newline.
  const template = (format === 'table' ? DEFAULT_TABLE : format).replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  if (template.startsWith('table ')) {
    const line = template.slice('table '.length);
    // Checked here, with no row yet: a bad template fails before anything is read.
    const header = renderTemplate(line, HEADERS, '--format');
    return (rows) =>
      tabTable([header, ...rows.map((r) => renderTemplate(line, r, '--format'))].map((l) => l.split('\t')));
  }
  if (!template.includes('{{')) {
    throw new UsageError(
      `--format: expected table, json or a Go template ({{.Name}}...), got ${JSON.stringify(format)}`,
    );
  }
  renderTemplate(template, HEADERS, '--format');
  return (rows) => rows.map((r) => `${renderTemplate(template, r, '--format')}\n`).join('');
}
