import { existsSync } from 'node:fs';
import { beginCommand } from './begin-command.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';
import { versionText } from './version.js';

function help(runRoot: string): string {
  return `Usage: gocontainer [GLOBAL OPTIONS] COMMAND [ARG...]

Run containers: gocontainer run /bin/bash gives an isolated shell, with no setup.

Commands:
  run       Run a command in a new container (Docker-style; with --bundle, runc's run)

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
  switch (command) {
    case 'run': {
      const oci = await import('./commands/oci-run/index.js');
      if (oci.isOciRun(rest, () => existsSync('config.json'))) return oci.ociRunCommand(rest, global);
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
    case 'version':
    case '--version':
    case '-v':
      process.stdout.write(versionText());
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(help((await import('./run-root.js')).RUN_ROOT));
      return 0;
    default:
      return reportError(new UsageError(`"${command}" is not a gocontainer command (see gocontainer --help)`));
  }
}
