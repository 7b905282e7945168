import { engineContext } from '../../engine-context.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';

const USAGE = `Usage: gocontainer rename CONTAINER NEW_NAME

Give a container another name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, unused).
`;

export function renameCommand(argv: readonly string[], global: GlobalOptions, name = 'rename'): Promise<number> {
  return runImageCommand(
    {
      name,
      usage: USAGE.replace('gocontainer rename', `gocontainer ${name}`),
      options: [],
      args: [2, 2],
      argsHelp: 'CONTAINER NEW_NAME',
      run({ rest }) {
        engineContext(global).store.rename(rest[0] as string, rest[1] as string);
        return 0;
      },
    },
    argv,
  );
}
