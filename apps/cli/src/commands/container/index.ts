import { dockerCommand } from '../../docker-commands.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';

const USAGE = `Usage: gocontainer container COMMAND

Manage the engine's containers (Docker's long form: always Docker's
commands, never runc's).

Commands:
  inspect     Show containers as JSON
  kill        Send a signal (default SIGKILL) to running containers
  logs        Show a container's output
  ls          List containers (also: list, ps)
  pause       Freeze every process of containers
  prune       Remove all stopped containers
  rename      Give a container another name
  rm          Remove containers (also: remove)
  run         Run a command in a new container
  stop        Stop running containers
  top         Show the processes of a container
  unpause     Thaw paused containers
  wait        Wait until containers stop, print their exit codes

Run 'gocontainer container COMMAND --help' for a command's options.
`;

/** `gocontainer container SUBCOMMAND`: Docker's management command. */
export async function containerCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    case 'inspect':
      return (await import('../inspect/index.js')).inspectCommand(rest, global, 'container inspect', 'container');
    case 'prune':
      return (await import('../container-prune/index.js')).containerPruneCommand(rest, global);
    case 'run':
      return (await import('../run/index.js')).runCommand(rest, global);
  }
  const load = dockerCommand(sub);
  if (load) return (await load())(rest, global, `container ${sub}`);
  return reportError(
    new UsageError(`container: "${sub}" is not a container command (see gocontainer container --help)`),
  );
}
