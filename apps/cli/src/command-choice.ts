import type { GlobalOptions } from './global-options.js';

/**
 * Whose command a command line is: runc's (the OCI runtime's, as
 * containerd, dockerd and podman call it) or Docker's (on the engine's
 * containers). The one place that decides it.
 */
export type CommandFlavour = 'runc' | 'docker';

/** Names both have: runc's unless the line is Docker-shaped and names an engine container. */
export const SHARED_COMMANDS: readonly string[] = ['start', 'kill', 'pause', 'exec', 'ps'];

/** Names only Docker has: always Docker's. */
export const DOCKER_COMMANDS: readonly string[] = [
  'stop',
  'rm',
  'logs',
  'restart',
  'wait',
  'top',
  'unpause',
  'rename',
  'cp',
  'attach',
  'stats',
];

/**
 * Options that take a value in the next argument, of either command line
 * (runc's and Docker's): skipped when looking for the first positional.
 */
const VALUED: Readonly<Record<string, readonly string[]>> = {
  start: ['--detach-keys'],
  kill: ['-s', '--signal'],
  pause: [],
  // runc's exec and Docker's.
  exec: [
    '--console-socket',
    '--cwd',
    '-e',
    '--env',
    '--env-file',
    '-u',
    '--user',
    '-g',
    '--additional-gids',
    '-p',
    '--process',
    '--pid-file',
    '--apparmor',
    '--process-label',
    '-c',
    '--cap',
    '--preserve-fds',
    '--cgroup',
    '-w',
    '--workdir',
    '--detach-keys',
  ],
  // runc's -f is --format, Docker's is --filter: both take a value.
  ps: ['-f', '--format', '--filter', '-n', '--last'],
};

/** The first argument that is no option nor an option's value; undefined when there is none. */
export function firstPositional(command: string, rest: readonly string[]): string | undefined {
  const valued = VALUED[command] ?? [];
  for (let at = 0; at < rest.length; at++) {
    const arg = rest[at] as string;
    if (arg === '--') return rest[at + 1];
    if (!arg.startsWith('-') || arg === '-') return arg;
    if (valued.includes(arg)) at += 1;
  }
  return undefined;
}

/** What the choice asks of the host. */
export interface ChoiceProbes {
  /** Is there an OCI container of this ID under the runtime root (`ROOT/ID/state.json`)? */
  ociContainer(id: string): boolean;
  /** Does this name, ID or ID prefix name an engine container? */
  engineContainer(ref: string): boolean;
}

/**
 * The rule (ENGINE.md, "Commands and the runc command line"):
 * - `ps` with no container argument is Docker's (`ps`, `ps -a`, `ps --format
 *   json`); `ps [--format json] ID` is runc's;
 * - `start|kill|pause|exec REF`: Docker's when no `--root` was given, REF
 *   names an engine container and no OCI container under the runtime root;
 *   else runc's, whose errors ("does not exist") engines match on;
 * - Docker's only commands are Docker's; every other command is neither's
 *   business here (runc's).
 * `gocontainer container CMD` is always Docker's and does not come here.
 */
export function chooseFlavour(
  command: string,
  rest: readonly string[],
  global: GlobalOptions,
  probes: ChoiceProbes,
): CommandFlavour {
  if (DOCKER_COMMANDS.includes(command)) return 'docker';
  if (!SHARED_COMMANDS.includes(command)) return 'runc';
  const ref = firstPositional(command, rest);
  if (command === 'ps') return ref === undefined ? 'docker' : 'runc';
  if (ref === undefined || global.root !== undefined) return 'runc';
  if (probes.ociContainer(ref)) return 'runc';
  return probes.engineContainer(ref) ? 'docker' : 'runc';
}
