import { readFileSync } from 'node:fs';
import { update, validateResources } from '@gc/runtime';
import { formatOptions, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { containerIdArgument, openRuntime } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';
import { resourcesFromFlags, UPDATE_OPTIONS } from './flags.js';

const USAGE = `Usage: gocontainer update [OPTIONS] ID
       gocontainer update --resources FILE|- ID

Change the resource limits of a created, running or paused container. With
--resources, OCI linux.resources JSON (only the fields to change) is read
from FILE, or from stdin for -, and the other options are ignored:

  {"memory": {"limit": 104857600}, "cpu": {"shares": 512}, "pids": {"limit": 64}}

Options:
`;

/** `gocontainer update`, as runc's: nothing printed, exit 0; or exit 1 with the error, and nothing changed. */
export async function updateCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  try {
    const line = parseCommandLine('update', argv, UPDATE_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(UPDATE_OPTIONS)}\n`);
      return 0;
    }
    const id = containerIdArgument('update', line.rest);
    const from = line.flags.resources as string | undefined;
    const resources =
      from !== undefined && from !== ''
        ? validateResources(readResources(from))
        : resourcesFromFlags(line.flags, (message) => process.stderr.write(`gocontainer: update: ${message}\n`));
    await update(openRuntime(global), id, resources);
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}

/** The JSON of `--resources FILE` or `-` (stdin). */
function readResources(from: string): unknown {
  let text: string;
  try {
    text = readFileSync(from === '-' ? 0 : from, 'utf8');
  } catch (e) {
    throw new UsageError(`update: --resources ${from}: ${(e as Error).message}`, 1);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`update: --resources ${from}: not JSON (${(e as Error).message})`, 1);
  }
}
