import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';

const USAGE = `Usage: gocontainer image COMMAND

Manage images.

Commands:
  import      Import a root filesystem tarball as an image
  inspect     Show images as JSON
  load        Load images from a tar archive or standard input
  ls          List images (also: list)
  prune       Remove unused images
  pull        Pull an image from a registry
  rm          Remove images (also: remove)
  save        Save images to a tar archive or standard output
  tag         Give an image another name

Run 'gocontainer image COMMAND --help' for a command's options.
`;

/** `gocontainer image SUBCOMMAND`: Docker's management command, each the same as its top-level one. */
export async function imageCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'ls':
    case 'list':
      return (await import('../images/index.js')).imagesCommand(rest, global, `image ${sub}`);
    case 'rm':
    case 'remove':
      return (await import('../rmi/index.js')).rmiCommand(rest, global, `image ${sub}`);
    case 'pull':
      return (await import('../pull/index.js')).pullCommand(rest, global, 'image pull');
    case 'inspect':
      return (await import('../inspect/index.js')).inspectCommand(rest, global, 'image inspect', 'image');
    case 'load':
      return (await import('../load/index.js')).loadCommand(rest, global, 'image load');
    case 'save':
      return (await import('../save/index.js')).saveCommand(rest, global, 'image save');
    case 'tag':
      return (await import('../tag/index.js')).tagCommand(rest, global, 'image tag');
    case 'import':
      return (await import('../import/index.js')).importCommand(rest, global, 'image import');
    case 'prune':
      return (await import('./prune.js')).imagePruneCommand(rest, global);
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      return reportError(
        new UsageError(
          `image: "${sub}" is not an image command (ls, rm, pull, inspect, load, save, tag, import, prune)`,
        ),
      );
  }
}
