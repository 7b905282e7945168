import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isatty } from 'node:tty';
import { type ImageStore, loadArchive } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { showName } from '../../image-names.js';
import { openImageStore, showId } from '../../image-store.js';
import { createLayerProgress, type LayerProgress } from '../../progress/layer-progress.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'input', long: 'input', short: 'i', value: 'FILE', help: 'read from a tar archive file, not standard input' },
  { key: 'quiet', long: 'quiet', short: 'q', help: 'no progress' },
];

const USAGE = `Usage: gocontainer load [OPTIONS]

Load images from a tar archive (docker save's format, or an OCI archive;
compressed with gzip or zstd or not), from FILE or standard input, and unpack
their layers.
`;

/** The bytes of `input` as they are read, counted for a progress line. */
async function* counted(input: AsyncIterable<Uint8Array>, onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let read = 0;
  for await (const chunk of input) {
    read += chunk.length;
    onRead(read);
    yield chunk;
  }
}

/** `gocontainer load` (and `image load`): Docker's `Loaded image: NAME` lines. */
export function loadCommand(argv: readonly string[], global: GlobalOptions, name = 'load'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer load', `gocontainer ${name}`),
      options: OPTIONS,
      args: [0, 0],
      argsHelp: 'none: the archive is -i FILE or standard input',
      async run({ flags }) {
        const file = flags.input as string | undefined;
        if (file === '') throw new UsageError(`${name}: --input: expected a file path, got ""`);
        if (file === undefined && isatty(0)) {
          throw new UsageError(
            `${name}: requested load from stdin, but stdin is a terminal (give -i FILE or redirect)`,
          );
        }
        let total = 0;
        if (file !== undefined) {
          const st = statSync(file, { throwIfNoEntry: false });
          if (st === undefined) throw new UsageError(`${name}: --input: ${JSON.stringify(file)} does not exist`, 1);
          if (!st.isFile()) throw new UsageError(`${name}: --input: ${JSON.stringify(file)} is not a file`, 1);
          total = st.size;
        }
        // Progress goes where Docker puts it, to stdout, and only on a terminal.
        const progress = flags.quiet || !isatty(1) ? undefined : await createLayerProgress(1, true);
        const store = openImageStore(global);
        let loaded: Awaited<ReturnType<typeof loadArchive>>;
        try {
          const input = counted(file === undefined ? process.stdin : createReadStream(file), (read) =>
            progress?.update('', 'Loading archive', { current: read, total }),
          );
          loaded = await loadArchive(store, input, { source: file === undefined ? 'stdin' : basename(file) });
          progress?.update('', 'Loading archive', { current: total, total });
          for (const { image } of loaded) await unpack(store, image, progress);
        } finally {
          progress?.stop();
        }
        const lines: string[] = [];
        for (const { image, names } of loaded) {
          if (names.length === 0) lines.push(`Loaded image ID: ${image.id}\n`);
          for (const n of names) lines.push(`Loaded image: ${showName(n)}\n`);
        }
        writeStdout(lines.join(''));
        return 0;
      },
    },
    argv,
  );
}

/** Unpack the image's layers now, as docker load does, so that its first run does not wait for it. */
async function unpack(
  store: ImageStore,
  image: Parameters<ImageStore['ensureLayers']>[0],
  progress: LayerProgress | undefined,
): Promise<void> {
  await store.ensureLayers(image, (p) =>
    progress?.update(
      showId(p.layer.digest),
      p.done ? 'Loaded' : 'Loading layer',
      p.done ? undefined : { current: p.read, total: p.total },
    ),
  );
}
