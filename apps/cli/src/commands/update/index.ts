import { readFileSync } from 'node:fs';
import { updateContainer, validateResources } from '@gc/runtime';
import type { GlobalOptions } from '../../global-options.js';
import { runOciCommand } from '../../oci-command.js';
import { runtimeContext } from '../../runtime-context.js';
import { UsageError } from '../../usage-error.js';
import { resourcesFromFlags, UPDATE_OPTIONS } from './flags.js';

const USAGE = `Usage: gocontainer update [OPTIONS] CONTAINER_ID
       gocontainer update --resources FILE|- CONTAINER_ID

Change the resource limits of a created, running or paused container. With
--resources, OCI linux.resources JSON (only the fields to change) is read
from FILE, or from stdin for -, and the other options are ignored:

  {"memory": {"limit": 104857600}, "cpu": {"shares": 512}, "pids": {"limit": 64}}
`;

/** `gocontainer update`, as runc's: nothing printed, exit 0; or exit 1 with the error, and nothing changed. */
export function updateCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  return runOciCommand(
    {
      name: 'update',
      usage: USAGE,
      options: UPDATE_OPTIONS,
      args: [1, 1],
      argsHelp: 'the container id',
      async run({ flags, rest }) {
        const from = flags.resources as string | undefined;
        const resources =
          from !== undefined && from !== ''
            ? validateResources(readResources(from))
            : resourcesFromFlags(flags, (message) => process.stderr.write(`gocontainer: update: ${message}\n`));
        await updateContainer(runtimeContext(global), rest[0] as string, resources);
        return 0;
      },
    },
    argv,
  );
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
