import { isatty } from 'node:tty';
import { blameRunFlag } from '@gc/engine';
import { formatExplanation, gocontainerStatePaths, newContainerId, RUN_ROOT } from '@gc/runtime';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { RUN_OPTIONS, type RunFlags } from '../run/run-options.js';
import { resolveStdioMode } from '../run/stdio.js';
import { explainRun } from './explain-run.js';

const FORMAT: OptionSpec = {
  key: 'format',
  long: 'format',
  value: 'text|json',
  help: 'how to print it (default text)',
};
const OPTIONS: readonly OptionSpec[] = [FORMAT, ...RUN_OPTIONS];

const USAGE = `Usage: gocontainer explain run [OPTIONS] IMAGE [COMMAND] [ARG...]
       gocontainer explain run [OPTIONS] /COMMAND [ARG...]

Print the syscall program \`gocontainer run\` would execute with these options,
planned by the same code, and run nothing: no cgroup, mount, process or run
directory is made, and no image is pulled (an image must be in the store,
its layers unpacked: pull or run it first). The ops come in the order the
child runs them, grouped by the package that planned each, with its label.

Options (run's, and):
`;

/** `gocontainer explain run ...`: returns the exit code. */
export async function explainCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  const [what, ...rest] = argv;
  if (what === undefined || what === '--help' || what === '-h' || what === 'help') {
    process.stdout.write(`${USAGE}${formatOptions(OPTIONS)}\n`);
    return what === undefined ? 2 : 0;
  }
  if (what !== 'run') {
    return reportError(
      new UsageError(
        `explain: ${JSON.stringify(what)} cannot be explained: only run (gocontainer explain run [OPTIONS] IMAGE|COMMAND)`,
      ),
    );
  }
  let flags: RunFlags | undefined;
  try {
    const line = parseCommandLine('explain run', rest, OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(OPTIONS)}\n`);
      return 0;
    }
    const format = (line.flags.format as string | undefined) ?? 'text';
    if (format !== 'text' && format !== 'json') {
      throw new UsageError(`--format: ${JSON.stringify(format)} is not a format (expected text or json)`);
    }
    flags = { ...line.flags, network: (line.flags.network as string | undefined) ?? 'none' } as RunFlags;
    const [first, ...args] = line.rest;
    if (first === undefined) {
      throw new UsageError(
        'explain run: missing IMAGE or /COMMAND (gocontainer explain run [OPTIONS] IMAGE|/COMMAND ...)',
      );
    }
    const onImage = flags.rootfs === undefined && !first.startsWith('/');
    const target = onImage
      ? { image: await (await import('./explain-image.js')).findExplainImage(first, global), command: args }
      : { command: first, args };
    const explanation = explainRun({
      target,
      flags,
      id: newContainerId(),
      mode: resolveStdioMode(flags, isatty(0)),
      runRoot: global.root ?? RUN_ROOT,
      hidden: gocontainerStatePaths([global.root, global.dataRoot].filter((p) => p !== undefined)),
      callerEnv: process.env,
    });
    const title = `gocontainer run ${rest.map(quote).join(' ')}`;
    process.stdout.write(
      format === 'json' ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation, title),
    );
    return 0;
  } catch (e) {
    return reportError(flags ? blameRunFlag(e, flags) : e);
  }
}

/** An argument as a shell would need it typed. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
