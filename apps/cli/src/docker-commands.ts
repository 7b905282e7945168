import type { GlobalOptions } from './global-options.js';

/** A Docker command on the engine's containers: its argv after the name, and the name as typed (`container ls`). */
export type DockerCommand = (argv: readonly string[], global: GlobalOptions, name: string) => Promise<number>;

const pauseCommand = async () => (await import('./commands/container-pause/index.js')).containerPauseCommand;

/**
 * Docker's container commands, by name, each loaded when called. What is
 * not here (yet) is not Docker's: a shared name (`start`, `exec`) then goes
 * to runc's command. `gocontainer container NAME` takes the same names and
 * Docker's aliases.
 */
const TABLE: Readonly<Record<string, () => Promise<DockerCommand>>> = {
  ps: async () => (await import('./commands/container-ps/index.js')).containerPsCommand,
  logs: async () => (await import('./commands/logs/index.js')).logsCommand,
  stop: async () => (await import('./commands/stop/index.js')).stopCommand,
  kill: async () => (await import('./commands/container-kill/index.js')).containerKillCommand,
  rm: async () => (await import('./commands/rm/index.js')).rmCommand,
  wait: async () => (await import('./commands/wait/index.js')).waitCommand,
  top: async () => (await import('./commands/top/index.js')).topCommand,
  pause: pauseCommand,
  unpause: async () => {
    const command = await pauseCommand();
    return (argv, global, as) => command(argv, global, as, true);
  },
  rename: async () => (await import('./commands/rename/index.js')).renameCommand,
  start: async () => (await import('./commands/container-start/index.js')).dockerStartCommand,
  restart: async () => (await import('./commands/restart/index.js')).restartCommand,
  stats: async () => (await import('./commands/stats/index.js')).statsCommand,
};

/** Docker's aliases under `container`. */
const ALIASES: Readonly<Record<string, string>> = { ls: 'ps', list: 'ps', remove: 'rm' };

/** The loader of Docker's command of this name (or alias), without loading it; undefined when there is none. */
export function dockerCommand(name: string): (() => Promise<DockerCommand>) | undefined {
  const key = ALIASES[name] ?? name;
  return Object.hasOwn(TABLE, key) ? TABLE[key] : undefined;
}
