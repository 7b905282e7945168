import { UsageError } from './usage-error.js';

/** Options given before the command, as runc's: they apply to every command. */
export interface GlobalOptions {
  /** The state directory (`--root`, default `/run/gocontainer`): run directories and their owner records. */
  root?: string;
}

/** Split `[--root DIR] COMMAND [ARG...]` into the global options and the rest. */
export function parseGlobalOptions(argv: readonly string[]): { global: GlobalOptions; rest: string[] } {
  const global: GlobalOptions = {};
  let at = 0;
  for (;;) {
    const arg = argv[at];
    let value: string | undefined;
    if (arg === '--root') {
      value = argv[at + 1];
      at += 2;
    } else if (arg?.startsWith('--root=')) {
      value = arg.slice('--root='.length);
      at += 1;
    } else {
      break;
    }
    if (value === undefined || !value.startsWith('/')) {
      throw new UsageError(`--root: expected an absolute directory path, got ${JSON.stringify(value ?? '')}`);
    }
    global.root = value;
  }
  return { global, rest: argv.slice(at) };
}
