import { isatty } from 'node:tty';
import { DEFAULT_REGISTRY, defaultCredentialFiles, login } from '@gc/image';
import type { OptionSpec } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { runImageCommand } from '../../image-command.js';
import { UsageError } from '../../usage-error.js';
import { writeStdout } from '../../write-stdout.js';
import { promptHidden, promptLine, readStdin } from './prompt.js';

const OPTIONS: readonly OptionSpec[] = [
  { key: 'username', long: 'username', short: 'u', value: 'USER', help: 'the user name' },
  {
    key: 'password',
    long: 'password',
    short: 'p',
    value: 'PASSWORD',
    help: 'the password (--password-stdin is safer)',
  },
  { key: 'passwordStdin', long: 'password-stdin', help: 'read the password from standard input' },
];

const USAGE = `Usage: gocontainer login [OPTIONS] [SERVER]

Log in to a registry (default docker.io): the credentials are checked against
it and saved for pull. Missing ones are asked for on a terminal.
`;

/** `gocontainer login`. */
export function loginCommand(argv: readonly string[], _global: GlobalOptions): Promise<number> {
  return runImageCommand(
    {
      name: 'login',
      usage: USAGE,
      options: OPTIONS,
      args: [0, 1],
      argsHelp: 'SERVER',
      async run({ flags, rest }) {
        const server = rest[0] ?? DEFAULT_REGISTRY;
        let username = flags.username as string | undefined;
        let password = flags.password as string | undefined;
        const terminal = isatty(0);
        if (flags.passwordStdin) {
          if (password !== undefined)
            throw new UsageError('login: --password and --password-stdin are mutually exclusive');
          if (username === undefined) throw new UsageError('login: --password-stdin needs --username');
          password = await readStdin();
        } else if (password !== undefined) {
          process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
        }
        if (username === undefined) {
          if (!terminal) {
            throw new UsageError('login: --username: missing, and standard input is not a terminal to ask on', 1);
          }
          username = (await promptLine('Username: ')).trim();
        }
        if (password === undefined) {
          if (!terminal) {
            throw new UsageError('login: --password: missing, and standard input is not a terminal to ask on', 1);
          }
          password = await promptHidden('Password: ');
        }
        const file = defaultCredentialFiles(process.env)[0] as string;
        await login(server, username, password, { file });
        process.stderr.write(`WARNING! Your password will be stored unencrypted in ${file}.\n`);
        writeStdout('Login Succeeded\n');
        return 0;
      },
    },
    argv,
  );
}
