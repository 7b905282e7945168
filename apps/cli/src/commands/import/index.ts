import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isatty } from 'node:tty';
import { importRootfs } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { fullName, openImageStore } from '../../image-store.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'change',
    long: 'change',
    short: 'c',
    value: 'INSTRUCTION',
    multiple: true,
    help: 'a Dockerfile instruction for the config (CMD, ENTRYPOINT, ENV, WORKDIR, USER, ...)',
  },
  { key: 'message', long: 'message', short: 'm', value: 'TEXT', help: 'the history comment' },
];

const USAGE = `Usage: gocontainer import [OPTIONS] FILE|- [REPOSITORY[:TAG]]

Make a one-layer image from a root filesystem tarball (plain, gzip or zstd),
from FILE or standard input (-), and print its ID.
`;

/** `gocontainer import` (and `image import`). */
export function importCommand(argv: readonly string[], global: GlobalOptions, name = 'import'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer import', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, 2],
      argsHelp: 'FILE|- [REPOSITORY[:TAG]]',
      async run({ flags, rest }) {
        const [source, target] = rest as [string, string | undefined];
        if (/^[a-z]+:\/\//i.test(source)) {
          throw new UsageError(`${name}: FILE: ${JSON.stringify(source)}: importing from a URL is not supported`);
        }
        // Checked before the tarball is read: a bad name wastes no import.
        if (target !== undefined) fullName(target, 'REPOSITORY[:TAG]');
        if (source === '-' && isatty(0)) {
          throw new UsageError(`${name}: FILE is "-" but standard input is a terminal (redirect a tarball to it)`);
        }
        if (source !== '-') {
          const st = statSync(source, { throwIfNoEntry: false });
          if (st === undefined) throw new UsageError(`${name}: FILE: ${JSON.stringify(source)} does not exist`, 1);
          if (!st.isFile()) throw new UsageError(`${name}: FILE: ${JSON.stringify(source)} is not a file`, 1);
        }
        const image = await importRootfs(
          openImageStore(global),
          source === '-' ? process.stdin : createReadStream(source),
          {
            source: source === '-' ? 'stdin' : basename(source),
            ...(target !== undefined ? { name: target } : {}),
            changes: flags.change as string[],
            ...(flags.message !== undefined ? { message: flags.message as string } : {}),
          },
        );
        writeStdout(`${image.id}\n`);
        return 0;
      },
    },
    argv,
  );
}
