import { parseCommandLine } from '../../command-line.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { features } from './features.js';

const USAGE = `Usage: gocontainer features

Show the runtime-spec features JSON: the OCI versions, mount options,
namespaces, capabilities, cgroup and seccomp support gocontainer implements.
`;

/** `gocontainer features`, as runc's: the JSON on stdout, tab-indented. */
export function featuresCommand(argv: readonly string[]): number {
  try {
    const line = parseCommandLine('features', argv, [{ key: 'help', long: 'help', short: 'h', help: 'this help' }]);
    if (line.flags.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (line.rest.length > 0)
      throw new UsageError(`features: takes no arguments, got ${JSON.stringify(line.rest[0])}`, 1);
    process.stdout.write(`${JSON.stringify(features(), null, '\t')}\n`);
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}
