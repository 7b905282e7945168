import { isatty } from 'node:tty';
import { type ImageRecord, saveImages } from '@gc/image';
import { GcError } from '@gc/syscall';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { findImage, openImageStore } from '../../image-store.js';
import { UsageError } from '../../usage-error.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'output', long: 'output', short: 'o', value: 'FILE', help: 'write to FILE instead of standard output' },
  {
    key: 'format',
    long: 'format',
    value: 'docker|oci',
    help: "docker save's format (default; also an OCI layout), or an OCI archive",
  },
];

const USAGE = `Usage: gocontainer save [OPTIONS] IMAGE [IMAGE...]

Write images, with their names, as a tar archive (docker load, podman load
and gocontainer load read it), to FILE or standard output.
`;

/** `gocontainer save` (and `image save`). */
export function saveCommand(argv: readonly string[], global: GlobalOptions, name = 'save'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer save', `gocontainer ${name}`),
      options: OPTIONS,
      args: [1, Number.POSITIVE_INFINITY],
      argsHelp: 'IMAGE [IMAGE...]',
      async run({ flags, rest }) {
        const format = (flags.format as string | undefined) ?? 'docker';
        if (format !== 'docker' && format !== 'oci') {
          throw new UsageError(`${name}: --format: expected docker or oci, got ${JSON.stringify(format)}`);
        }
        const output = flags.output as string | undefined;
        if (output === '') throw new UsageError(`${name}: --output: expected a file path, got ""`);
        if (output === undefined && isatty(1)) {
          throw new UsageError(
            `${name}: cowardly refusing to save to a terminal. Use the -o flag or redirect standard output`,
            1,
          );
        }
        const store = openImageStore(global);
        const images: ImageRecord[] = [];
        for (const text of rest) {
          const image = findImage(store, text);
          if (image === undefined) throw new GcError('EIMAGE_NOT_FOUND', `${name}: no such image: ${text}`);
          if (!images.some((i) => i.id === image.id)) images.push(image);
        }
        await saveImages(store, images, output ?? process.stdout, { format });
        return 0;
      },
    },
    argv,
  );
}
