import { existsSync } from 'node:fs';
import { beginCommand } from './begin-command.js';
import { type ChoiceProbes, chooseFlavour, DOCKER_COMMANDS, SHARED_COMMANDS } from './command-choice.js';
import { isOciRun } from './commands/oci-run/is-oci-run.js';
import { dockerCommand } from './docker-commands.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';
import { versionText } from './version.js';

function help(runRoot: string, dataRoot: string): string {
  return `Usage: gocontainer [GLOBAL OPTIONS] COMMAND [ARG...]

Run containers: gocontainer run /bin/bash gives an isolated shell, with no setup;
gocontainer run busybox sh runs an image.

Commands:
  run       Run a command in a new container, on an image or the host's root
            (Docker-style; with --bundle, runc's run)
  stats     Show containers' CPU, memory, network and block I/O, live (--no-stream: once)

Container commands (Docker's, on the engine's containers; also as
gocontainer container ls|rm|stop|kill|logs|inspect|wait|top|pause|unpause|rename|prune):
  ps        List containers (-a: all, -q: IDs, --filter, --format json)
  logs      Show a container's output (-f: follow, --tail N, --since, -t)
  stop      Stop containers: SIGTERM, then SIGKILL after -t seconds
  kill      Send a signal (default SIGKILL) to containers
  rm        Remove containers (-f: a running one too)
  wait      Wait until containers stop; print their exit codes
  inspect   Show containers and images as JSON
  top       Show the processes of a container
  pause     Freeze every process of containers
  unpause   Thaw paused containers
  rename    Give a container another name
  container Manage containers (container prune: remove the stopped ones)
  ps, kill, pause, start and exec with a container of the OCI runtime's (or
  after --root) are runc's, below; gocontainer container CMD is always Docker's.

Image commands (Docker's; also as gocontainer image ls|rm|pull|inspect|load|save|tag|import|prune):
  pull      Pull an image from a registry
  images    List images
  rmi       Remove images
  load      Load images from a tar archive (docker save or OCI) or standard input
  save      Save images to a tar archive or standard output
  tag       Give an image another name
  import    Make an image from a root filesystem tarball
  login     Log in to a registry
  logout    Log out from a registry
  image     Manage images (image prune: remove unused ones)

OCI runtime commands (runc's command line, for containerd, dockerd, podman):
  create    Create a container from a bundle; it waits for start
  start     Start a created container
  state     Show a container's state (JSON)
  kill      Send a signal to a container
  delete    Delete a stopped container (--force: any)
  exec      Run a new process in a created or running container
  pause     Freeze every process of a container
  resume    Thaw a paused container
  update    Change a container's resource limits (flags, or --resources FILE|-)
  ps        Show a container's processes (--format json: its pids)
  list      List the containers under --root
  events    Print a container's stats and OOM events as JSON lines

Other commands:
  features  Show the runtime-spec features JSON: what gocontainer implements
  spec      Write a starter config.json into a bundle directory
  version   Show the version (also --version, -v)
  help      Show this help (also --help, -h)

Global options (before the command, as runc's):
  --root DIR               where gocontainer keeps its state (default ${runRoot})
  --data-root DIR          where images are stored (default ${dataRoot})
  --log FILE               append failures to FILE (engines such as containerd read it)
  --log-format text|json   the --log format: logrus's text (default) or JSON lines
  --debug                  also write debug lines to the --log file
  --systemd-cgroup         refused: systemd cgroup management is not supported yet
  --version, -v            show the version

Run 'gocontainer COMMAND --help' for a command's options.
`;
}

/**
 * The gocontainer CLI: argv in, exit code out. Commands live in
 * src/commands/<name>/ and are loaded when called: `--version` evaluates none
 * of @gc/runtime and loads neither koffi nor @gc/native (the bundle is one
 * file; esbuild keeps a dynamically imported module's top level in a function
 * until the import). Nothing here imports @gc/runtime statically.
 */
export async function main(argv: string[]): Promise<number> {
  const call = beginCommand(argv);
  if (typeof call === 'number') return call;
  const { global, command, rest } = call;
  const docker = command === undefined ? undefined : dockerCommand(command);
  if (command !== undefined && docker && (SHARED_COMMANDS.includes(command) || DOCKER_COMMANDS.includes(command))) {
    // Only a shared name without --root asks the stores; runc's lines load nothing of Docker's.
    const probes: ChoiceProbes =
      global.root === undefined && SHARED_COMMANDS.includes(command)
        ? (await import('./choice-probes.js')).choiceProbes(global)
        : { ociContainer: () => true, engineContainer: () => false };
    if (chooseFlavour(command, rest, global, probes) === 'docker') return (await docker())(rest, global, command);
  }
  switch (command) {
    case 'run': {
      if (isOciRun(rest, () => existsSync('config.json'))) {
        return (await import('./commands/oci-run/index.js')).ociRunCommand(rest, global);
      }
      return (await import('./commands/run/index.js')).runCommand(rest, global);
    }
    case 'create':
      return (await import('./commands/create/index.js')).createCommand(rest, global);
    case 'start':
      return (await import('./commands/start/index.js')).startCommand(rest, global);
    case 'state':
      return (await import('./commands/state/index.js')).stateCommand(rest, global);
    case 'kill':
      return (await import('./commands/kill/index.js')).killCommand(rest, global);
    case 'delete':
      return (await import('./commands/delete/index.js')).deleteCommand(rest, global);
    case 'exec':
      return (await import('./commands/exec/index.js')).execCommand(rest, global);
    case 'pause':
      return (await import('./commands/pause/index.js')).pauseCommand(rest, global);
    case 'resume':
      return (await import('./commands/resume/index.js')).resumeCommand(rest, global);
    case 'update':
      return (await import('./commands/update/index.js')).updateCommand(rest, global);
    case 'ps':
      return (await import('./commands/ps/index.js')).psCommand(rest, global);
    case 'list':
      return (await import('./commands/list/index.js')).listCommand(rest, global);
    case 'events':
      return (await import('./commands/events/index.js')).eventsCommand(rest, global);
    case 'features':
      return (await import('./commands/features/index.js')).featuresCommand(rest);
    case 'spec':
      return (await import('./commands/spec/index.js')).specCommand(rest);
    case 'pull':
      return (await import('./commands/pull/index.js')).pullCommand(rest, global);
    case 'images':
      return (await import('./commands/images/index.js')).imagesCommand(rest, global);
    case 'rmi':
      return (await import('./commands/rmi/index.js')).rmiCommand(rest, global);
    case 'inspect':
      return (await import('./commands/inspect/index.js')).inspectCommand(rest, global);
    case 'load':
      return (await import('./commands/load/index.js')).loadCommand(rest, global);
    case 'save':
      return (await import('./commands/save/index.js')).saveCommand(rest, global);
    case 'tag':
      return (await import('./commands/tag/index.js')).tagCommand(rest, global);
    case 'import':
      return (await import('./commands/import/index.js')).importCommand(rest, global);
    case 'login':
      return (await import('./commands/login/index.js')).loginCommand(rest, global);
    case 'logout':
      return (await import('./commands/logout/index.js')).logoutCommand(rest, global);
    case 'image':
      return (await import('./commands/image/index.js')).imageCommand(rest, global);
    case 'container':
      return (await import('./commands/container/index.js')).containerCommand(rest, global);
    // Internal: run by a detached container's gc-monitor (not in --help).
    case '__start-container':
      return (await import('./commands/detached/start-container.js')).startContainerCommand(rest, global);
    case '__cleanup-container':
      return (await import('./commands/detached/cleanup-container.js')).cleanupContainerCommand(rest, global);
    case '__remove-container':
      return (await import('./commands/detached/remove-container.js')).removeContainerCommand(rest, global);
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(versionText());
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(help((await import('./run-root.js')).RUN_ROOT, (await import('./data-root.js')).DATA_ROOT));
      return 0;
    default:
      return reportError(new UsageError(`"${command}" is not a gocontainer command (see gocontainer --help)`));
  }
}
