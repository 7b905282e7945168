import { type ImageRecord, imageSize } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import { createdSince } from '../../created-since.js';
import type { GlobalOptions } from '../../global-options.js';
import { humanSize } from '../../human-size.js';
import { runImageCommand } from '../../image-command.js';
import { repositoryAndTag } from '../../image-names.js';
import { openImageStore, showId } from '../../image-store.js';
import { tabTable } from '../../tab-table.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'all',
    long: 'all',
    short: 'a',
    help: 'show all images (there are no intermediate ones: the same as without)',
  },
  { key: 'digests', long: 'digests', help: 'show digests' },
  { key: 'format', long: 'format', value: 'table|json', help: 'table (default) or json (one object a line)' },
  { key: 'noTrunc', long: 'no-trunc', help: 'do not truncate the image IDs' },
  { key: 'quiet', long: 'quiet', short: 'q', help: 'only the image IDs' },
];

const USAGE = `Usage: gocontainer images [OPTIONS] [REPOSITORY[:TAG]]

List images: REPOSITORY, TAG, IMAGE ID, CREATED and SIZE (the stored size:
compressed layers, config and manifest), newest first.
`;

/** One line of `docker images`: an image under one of its names (or `<none>`). */
export interface ImageRow {
  Repository: string;
  Tag: string;
  Digest: string;
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  VirtualSize: string;
  SharedSize: string;
  UniqueSize: string;
  Containers: string;
}

/** Docker's CreatedAt: Go's time.Time String() (`2024-01-02 03:04:05 +0000 UTC`). */
function createdAt(created: string | undefined): string {
  const at = created === undefined ? Number.NaN : Date.parse(created);
  if (Number.isNaN(at)) return '';
  return `${new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '')} +0000 UTC`;
}

/** The rows for `images`, newest first; `filter` is `REPOSITORY[:TAG]` as given. */
export function imageRows(
  images: readonly ImageRecord[],
  options: { noTrunc?: boolean; filter?: string; now?: number } = {},
): ImageRow[] {
  const sorted = [...images].sort(
    (a, b) => (Date.parse(b.config.created ?? '') || 0) - (Date.parse(a.config.created ?? '') || 0),
  );
  const rows: ImageRow[] = [];
  for (const image of sorted) {
    const names =
      image.names.length > 0 ? image.names.map(repositoryAndTag) : [{ repository: '<none>', tag: '<none>' }];
    for (const { repository, tag } of names) {
      if (options.filter !== undefined && !matches(options.filter, repository, tag)) continue;
      const digest = image.repoDigests.find(
        (d) => repositoryAndTag(d.slice(0, d.indexOf('@'))).repository === repository,
      );
      const size = humanSize(imageSize(image), 3);
      rows.push({
        Repository: repository,
        Tag: tag,
        Digest: digest === undefined ? '<none>' : digest.slice(digest.indexOf('@') + 1),
        ID: showId(image.id, options.noTrunc),
        CreatedSince: createdSince(image.config.created, options.now),
        CreatedAt: createdAt(image.config.created),
        Size: size,
        VirtualSize: size,
        SharedSize: 'N/A',
        UniqueSize: 'N/A',
        Containers: 'N/A',
      });
    }
  }
  return rows;
}

/** `docker images busybox` / `busybox:1.36`: the repository as shown, and the tag when given. */
function matches(filter: string, repository: string, tag: string): boolean {
  const colon = filter.lastIndexOf(':');
  const slash = filter.lastIndexOf('/');
  const [repo, wanted] = colon > slash ? [filter.slice(0, colon), filter.slice(colon + 1)] : [filter, undefined];
  const shown = repositoryAndTag(`${repo}:x`).repository;
  return shown === repository && (wanted === undefined || wanted === tag);
}

export function imagesTable(rows: readonly ImageRow[], digests = false): string {
  return tabTable([
    ['REPOSITORY', 'TAG', ...(digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'],
    ...rows.map((r) => [r.Repository, r.Tag, ...(digests ? [r.Digest] : []), r.ID, r.CreatedSince, r.Size]),
  ]);
}

/** `gocontainer images` (and `image ls`). */
export function imagesCommand(argv: readonly string[], global: GlobalOptions, name = 'images'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer images', `gocontainer ${name}`),
      options: OPTIONS,
      args: [0, 1],
      argsHelp: 'REPOSITORY[:TAG]',
      run({ flags, rest }) {
        const format = (flags.format as string | undefined) ?? 'table';
        if (format !== 'table' && format !== 'json') {
          throw new UsageError(`${name}: --format: expected table or json, got ${JSON.stringify(format)}`);
        }
        const rows = imageRows(openImageStore(global).listImages(), {
          noTrunc: flags.noTrunc === true,
          ...(rest[0] !== undefined ? { filter: rest[0] } : {}),
        });
        if (flags.quiet) writeStdout(rows.map((r) => `${r.ID}\n`).join(''));
        else if (format === 'json') writeStdout(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
        else writeStdout(imagesTable(rows, flags.digests === true));
        return 0;
      },
    },
    argv,
  );
}
