import { UsageError } from './usage-error.js';

/** The formats of the `--log` file, as runc's logrus writes them. */
export type LogFormat = 'text' | 'json';

/** Options given before the command, as runc's: they apply to every command. */
export interface GlobalOptions {
  /** The state directory (`--root`, default `/run/gocontainer`): run directories and their owner records. */
  root?: string;
  /** The image store (`--data-root`, default `/var/lib/gocontainer`): blobs, unpacked layers, the image index. */
  dataRoot?: string;
  /** `--log FILE`: failures (and, with `--debug`, debug lines) are appended to it. */
  log?: string;
  /** `--log-format`: `text` (default) or `json`. */
  logFormat?: LogFormat;
  /** `--debug`: debug lines go to the log. */
  debug?: boolean;
  /** `--systemd-cgroup`: refused by main once the log is open (not supported yet). */
  systemdCgroup?: boolean;
}

const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

/** Options that take a value, and the check of it. */
const VALUED: Readonly<Record<string, (value: string | undefined, global: GlobalOptions) => void>> = {
  '--root': (value, global) => {
    if (value === undefined || !value.startsWith('/')) {
      throw new UsageError(`--root: expected an absolute directory path, got ${JSON.stringify(value ?? '')}`);
    }
    global.root = value;
  },
  '--data-root': (value, global) => {
    if (value === undefined || !value.startsWith('/')) {
      throw new UsageError(`--data-root: expected an absolute directory path, got ${JSON.stringify(value ?? '')}`);
    }
    global.dataRoot = value;
  },
  '--log': (value, global) => {
    if (value === undefined || value === '') {
      throw new UsageError(`--log: expected a file path, got ${JSON.stringify(value ?? '')}`);
    }
    global.log = value;
  },
  '--log-format': (value, global) => {
    if (!LOG_FORMATS.includes(value as LogFormat)) {
      throw new UsageError(`--log-format: expected text or json, got ${JSON.stringify(value ?? '')}`);
    }
    global.logFormat = value as LogFormat;
  },
};

/** Split `[GLOBAL OPTION...] COMMAND [ARG...]` into the global options and the rest. */
export function parseGlobalOptions(argv: readonly string[]): { global: GlobalOptions; rest: string[] } {
  const global: GlobalOptions = {};
  let at = 0;
  for (;;) {
    const arg = argv[at];
    if (arg === undefined) break;
    if (arg === '--debug' || arg === '--systemd-cgroup') {
      global[arg === '--debug' ? 'debug' : 'systemdCgroup'] = true;
      at += 1;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const check = Object.hasOwn(VALUED, name) ? VALUED[name] : undefined;
    if (check === undefined) break;
    if (eq === -1) {
      check(argv[at + 1], global);
      at += 2;
    } else {
      check(arg.slice(eq + 1), global);
      at += 1;
    }
  }
  return { global, rest: argv.slice(at) };
}
