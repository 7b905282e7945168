import { Command, CommanderError } from 'commander';
import { registerRun } from './commands/run/index.js';
import { reportError } from './report-error.js';

/** The gocontainer CLI: argv in, exit code out. Commands live in src/commands/<name>/. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('gocontainer')
    .description('Run containers: gocontainer run /bin/bash gives an isolated shell, with no setup')
    .helpOption('--help', 'show help')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'gocontainer: ')) });
  let exitCode = 0;
  registerRun(program, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 125;
    return reportError(e);
  }
}
