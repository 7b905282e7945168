import { GcError } from '@gc/syscall';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { findImage, fullName, openImageStore } from '../../image-store.js';

const USAGE = `Usage: gocontainer tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]

Give an image another name (TARGET_IMAGE moves to it if it named another).
`;

/** `gocontainer tag` (and `image tag`). */
export function tagCommand(argv: readonly string[], global: GlobalOptions, name = 'tag'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer tag', `gocontainer ${name}`),
      options: [],
      args: [2, 2],
      argsHelp: 'SOURCE_IMAGE TARGET_IMAGE',
      async run({ rest }) {
        const [source, target] = rest as [string, string];
        const targetName = fullName(target, 'TARGET_IMAGE');
        if (targetName.includes('@')) {
          throw new GcError(
            'EIMAGE_REFERENCE',
            `${name}: TARGET_IMAGE ${JSON.stringify(target)}: a tag, not a digest, names an image`,
          );
        }
        const store = openImageStore(global);
        const image = findImage(store, source, 'SOURCE_IMAGE');
        if (image === undefined) throw new GcError('EIMAGE_NOT_FOUND', `${name}: no such image: ${source}`);
        await store.tagImage(image, targetName);
        return 0;
      },
    },
    argv,
  );
}
