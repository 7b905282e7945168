import { DEFAULT_REGISTRY, defaultCredentialFiles, logout } from '@gc/image';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { writeStdout } from '../../write-stdout.js';

const USAGE = `Usage: gocontainer logout [SERVER]

Remove the credentials gocontainer login saved for a registry (default docker.io).
`;

/** `gocontainer logout`. */
export function logoutCommand(argv: readonly string[], _global: GlobalOptions): Promise<number> {
  return runImageCommand(
    {
      name: 'logout',
      usage: USAGE,
      options: [],
      args: [0, 1],
      argsHelp: 'SERVER',
      run({ rest }) {
        const server = rest[0] ?? DEFAULT_REGISTRY;
        const file = defaultCredentialFiles(process.env)[0] as string;
        writeStdout(
          logout(server, file) ? `Removing login credentials for ${server}\n` : `Not logged in to ${server}\n`,
        );
        return 0;
      },
    },
    argv,
  );
}
