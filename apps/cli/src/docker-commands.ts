import type { GlobalOptions } from './global-options.js';

/** A Docker command on the engine's containers: its argv after the name, and the name as typed (`container ls`). */
export type DockerCommand = (argv: readonly string[], global: GlobalOptions, name: string) => Promise<number>;

/**
 * Docker's container commands, by name, each loaded when called. What is
 * not here (yet) is not Docker's: a shared name (`start`, `exec`) then goes
 * to runc's command. `gocontainer container NAME` takes the same names and
 * Docker's aliases.
 */
export async function dockerCommand(name: string): Promise<DockerCommand | undefined> {
  switch (name) {
    case 'ps':
    case 'ls':
    case 'list':
      return (await import('./commands/container-ps/index.js')).containerPsCommand;
    case 'logs':
      return (await import('./commands/logs/index.js')).logsCommand;
    case 'stop':
      return (await import('./commands/stop/index.js')).stopCommand;
    case 'kill':
      return (await import('./commands/container-kill/index.js')).containerKillCommand;
    case 'rm':
    case 'remove':
      return (await import('./commands/rm/index.js')).rmCommand;
    case 'wait':
      return (await import('./commands/wait/index.js')).waitCommand;
    case 'top':
      return (await import('./commands/top/index.js')).topCommand;
    case 'pause':
      return (await import('./commands/container-pause/index.js')).containerPauseCommand;
    case 'unpause': {
      const { containerPauseCommand } = await import('./commands/container-pause/index.js');
      return (argv, global, as) => containerPauseCommand(argv, global, as, true);
    }
    case 'rename':
      return (await import('./commands/rename/index.js')).renameCommand;
    default:
      return undefined;
  }
}
