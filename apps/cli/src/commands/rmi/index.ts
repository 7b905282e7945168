import { GcError } from '@gc/syscall';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { showName } from '../../image-names.js';
import { findImage, fullName, openImageStore } from '../../image-store.js';
import { reportError } from '../../report-error.js';
import { writeStdout } from '../../write-stdout.js';
import { sweepDeadHolds } from '../run/image-hold.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'force', long: 'force', short: 'f', help: 'remove it even when it has several names or a container uses it' },
  { key: 'noPrune', long: 'no-prune', help: 'accepted for Docker habits (there are no untagged parents)' },
];

const USAGE = `Usage: gocontainer rmi [OPTIONS] IMAGE [IMAGE...]

Remove images: a name is untagged, and the image deleted with its unused
layers once no name is left. Refused while a container uses it, unless -f
(its layers then stay until the container ends).
`;

/** `gocontainer rmi` (and `image rm`): Docker's `Untagged:` and `Deleted:` lines. */
export function rmiCommand(argv: readonly string[], global: GlobalOptions, name = 'rmi'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer rmi', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'IMAGE [IMAGE...]',
      async run({ flags, rest }) {
        const store = openImageStore(global);
        await sweepDeadHolds(global);
        let code = 0;
        for (const text of rest) {
          try {
            const image = findImage(store, text);
            if (image === undefined) throw new GcError('EIMAGE_NOT_FOUND', `${name}: no such image: ${text}`);
            // A name removes that name; anything else (an ID) the image.
            let target = image.id as string;
            try {
              const full = fullName(text);
              if (image.names.includes(full)) target = full;
            } catch {
              // an ID
            }
            const removed = await store.removeImage(target, { force: flags.force === true });
            writeStdout(
              [
                ...removed.untagged.map((n) => `Untagged: ${showName(n)}\n`),
                ...removed.deleted.map((d) => `Deleted: ${d}\n`),
              ].join(''),
            );
          } catch (e) {
            reportError(e);
            code = 1;
          }
        }
        return code;
      },
    },
    argv,
  );
}
