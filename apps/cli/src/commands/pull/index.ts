import { isatty } from 'node:tty';
import { formatReference, parseReference } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { openImageStore } from '../../image-store.js';
import { writeStdout } from '../../write-stdout.js';
import { pullWithProgress } from './pull-with-progress.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'platform',
    long: 'platform',
    value: 'OS/ARCH[/VARIANT]',
    help: "the platform to pull (default: this host's)",
  },
  { key: 'quiet', long: 'quiet', short: 'q', help: 'no progress: only the name pulled' },
];

const USAGE = `Usage: gocontainer pull [OPTIONS] NAME[:TAG|@DIGEST]

Pull an image from a registry (docker.io unless the name has a registry:
localhost:5000/app:1), verify it and unpack its layers. Credentials come from
gocontainer login (or docker login).
`;

/** `gocontainer pull` (and `image pull`). */
export function pullCommand(argv: readonly string[], global: GlobalOptions, name = 'pull'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer pull', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, 1],
      argsHelp: 'NAME[:TAG|@DIGEST]',
      async run({ flags, rest }) {
        const text = rest[0] as string;
        const ref = parseReference(text, 'NAME');
        const quiet = flags.quiet === true;
        if (!quiet && !/[:@][^/]*$/.test(text)) writeStdout('Using default tag: latest\n');
        const controller = new AbortController();
        const abort = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        try {
          await pullWithProgress(
            openImageStore(global),
            text,
            { fd: 1, terminal: isatty(1), quiet },
            {
              ...(flags.platform !== undefined ? { platform: flags.platform as string } : {}),
              signal: controller.signal,
            },
          );
        } finally {
          process.off('SIGINT', abort);
          process.off('SIGTERM', abort);
        }
        writeStdout(`${formatReference(ref)}\n`);
        return 0;
      },
    },
    argv,
  );
}
