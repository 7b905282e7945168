import type { OptionSpec } from '../../command-line.js';
import { answer } from '../../confirm.js';
import type { GlobalOptions } from '../../global-options.js';
import { humanSize } from '../../human-size.js';
import { runImageCommand } from '../../image-command.js';
import { openImageStore } from '../../image-store.js';
import { writeStdout } from '../../write-stdout.js';
import { sweepDeadHolds } from '../run/image-hold.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'all', long: 'all', short: 'a', help: 'every image no container uses, not only the dangling ones' },
  { key: 'force', long: 'force', short: 'f', help: 'do not ask for confirmation' },
];

const USAGE = `Usage: gocontainer image prune [OPTIONS]

Remove dangling images (with neither a name nor a digest), or with -a every
image no container uses, then every blob, unpacked layer and interrupted
download nothing refers to.
`;

/** `gocontainer image prune`. */
export function imagePruneCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runImageCommand(
    {
      name: 'image prune',
      usage: USAGE,
      options: OPTIONS,
      args: [0, 0],
      argsHelp: 'none',
      async run({ flags }) {
        const all = flags.all === true;
        if (!flags.force) {
          const warning = all
            ? 'WARNING! This will remove all images without at least one container associated to them.'
            : 'WARNING! This will remove all dangling images.';
          const reply = await answer(`${warning}\nAre you sure you want to continue? [y/N] `);
          if (!/^y(es)?$/i.test(reply.trim())) {
            writeStdout('\n');
            return 0;
          }
        }
        await sweepDeadHolds(global);
        const { deleted, reclaimed } = await openImageStore(global).prune({ all });
        const lines = deleted.length > 0 ? ['Deleted Images:', ...deleted.map((d) => `deleted: ${d}`), ''] : [];
        writeStdout([...lines, `Total reclaimed space: ${humanSize(reclaimed, 3)}`, ''].join('\n'));
        return 0;
      },
    },
    argv,
  );
}
