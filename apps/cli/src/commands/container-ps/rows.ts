import { type ContainerNow, humanDuration, statusText } from '@gc/engine';
import { humanSize } from '../../human-size.js';

/** One line of `docker ps`, by Docker's names (`--format json`, and `{{.Names}}` in a template). */
export interface PsRow {
  Command: string;
  CreatedAt: string;
  ID: string;
  Image: string;
  Labels: string;
  LocalVolumes: string;
  Mounts: string;
  Names: string;
  Networks: string;
  Ports: string;
  RunningFor: string;
  Size: string;
  State: string;
  Status: string;
}

/** Docker's ellipsis: at most `width` characters, the last one `…` when cut. */
export function ellipsis(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/** `2026-12-01 19:20:00 +0000 UTC`, as Go prints a time. */
function goTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

/** `docker ps -s`'s SIZE: the writable layer, then with the image: `12.3kB (virtual 4.27MB)`. */
export function sizeText(writable: number, image: number): string {
  return `${humanSize(writable, 3)} (virtual ${humanSize(writable + image, 3)})`;
}

export function psRow(
  c: ContainerNow,
  options: { noTrunc?: boolean; now?: number; size?: { writable: number; image: number } } = {},
): PsRow {
  const now = options.now ?? Date.now();
  const { record, state } = c;
  const command = [record.path, ...record.args].join(' ');
  const labels = Object.entries(record.config.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    Command: `"${options.noTrunc ? command : ellipsis(command, 20)}"`,
    CreatedAt: goTime(record.created),
    ID: options.noTrunc ? record.id : record.id.slice(0, 12),
    Image: record.image === '' ? '<none>' : record.image,
    Labels: labels,
    LocalVolumes: '0',
    Mounts: '',
    Names: record.name,
    Networks: record.hostConfig.networkMode,
    Ports: '',
    RunningFor: `${humanDuration(Math.max(0, now - Date.parse(record.created)))} ago`,
    Size: options.size ? sizeText(options.size.writable, options.size.image) : '0B',
    State: state.status,
    Status: statusText(state, now),
  };
}

/** Docker's column titles for `--format 'table {{.ID}}\t{{.Names}}'`. */
const TITLES: Readonly<Record<string, string>> = {
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Labels: 'LABELS',
  LocalVolumes: 'LOCAL VOLUMES',
  Mounts: 'MOUNTS',
  Names: 'NAMES',
  Networks: 'NETWORKS',
  Ports: 'PORTS',
  RunningFor: 'CREATED',
  Size: 'SIZE',
  State: 'STATE',
  Status: 'STATUS',
};

/** The header line of a `table` template: each `{{.Field}}` by its column title. */
export function templateHeader(template: string): string {
  return template.replace(
    /\{\{\s*(?:json\s+)?\.([A-Za-z]+)\s*\}\}/g,
    (_all, field: string) => TITLES[field] ?? field.toUpperCase(),
  );
}
