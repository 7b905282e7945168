import type { OptionSpec } from '../../command-line.js';

/** `docker exec`'s options (Docker's names and texts). */
export const DOCKER_EXEC_OPTIONS: readonly OptionSpec[] = [
  { key: 'detach', long: 'detach', short: 'd', help: 'Detached mode: run command in the background' },
  {
    key: 'detachKeys',
    long: 'detach-keys',
    value: 'KEYS',
    help: 'Override the key sequence for detaching a container (default ctrl-p,ctrl-q)',
  },
  { key: 'env', long: 'env', short: 'e', value: 'KEY=VALUE', multiple: true, help: 'Set environment variables' },
  { key: 'interactive', long: 'interactive', short: 'i', help: 'Keep STDIN open even if not attached' },
  { key: 'tty', long: 'tty', short: 't', help: 'Allocate a pseudo-TTY' },
  {
    key: 'user',
    long: 'user',
    short: 'u',
    value: 'USER',
    help: 'Username or UID (format: "<name|uid>[:<group|gid>]")',
  },
  { key: 'workdir', long: 'workdir', short: 'w', value: 'DIR', help: 'Working directory inside the container' },
  { key: 'help', long: 'help', short: 'h', help: 'Show this help' },
];

export interface DockerExecFlags {
  detach?: boolean;
  detachKeys?: string;
  env: string[];
  interactive?: boolean;
  tty?: boolean;
  user?: string;
  workdir?: string;
  help?: boolean;
}
