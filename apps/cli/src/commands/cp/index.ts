import { copyFromTar, copyToTar, copyTree, createContainerStore, hostFs, openContainerFs } from '@gc/engine';
import { createKernel } from '@gc/syscall';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { cpDirection, hostPath, parseCpArg } from './cp-args.js';

const CP_OPTIONS: readonly OptionSpec[] = [
  { key: 'archive', long: 'archive', short: 'a', help: 'Archive mode (copy all uid/gid information)' },
  { key: 'followLink', long: 'follow-link', short: 'L', help: 'Always follow symbol link in SRC_PATH' },
  { key: 'help', long: 'help', short: 'h', help: 'Show this help' },
];

const USAGE = `Usage: gocontainer cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-
       gocontainer cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH

Copy files and directories between a container (running or stopped) and the host, as
docker cp. Paths in the container are resolved inside its root: a symlink
in it never leads to a file of the host. With - the other side is a tar
stream on standard output (from the container) or standard input (to it).

Options:
`;

export async function cpCommand(argv: readonly string[], global: GlobalOptions = {}): Promise<number> {
  try {
    const line = parseCommandLine('cp', argv, CP_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(CP_OPTIONS)}\n`);
      return 0;
    }
    const flags = line.flags as { archive?: boolean; followLink?: boolean };
    if (line.rest.length !== 2) {
      throw new UsageError('cp: requires exactly 2 arguments (gocontainer cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH)');
    }
    const source = parseCpArg(line.rest[0] as string);
    const destination = parseCpArg(line.rest[1] as string);
    const direction = cpDirection(source, destination);
    const kernel = createKernel();
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot, kernel } : { kernel });
    const ref = (direction === 'from-container' ? source.container : destination.container) as string;
    const { fs: container } = openContainerFs(store, kernel, ref, { forWriting: direction !== 'from-container' });
    try {
      const host = hostFs(kernel);
      const options = { archive: flags.archive ?? false, followLink: flags.followLink ?? false };
      if (direction === 'from-container') {
        if (destination.path === '-') {
          copyToTar(container, source.path, 1, options);
        } else copyTree(container, source.path, host, hostPath(destination.path), options);
      } else if (source.path === '-') {
        copyFromTar(0, container, destination.path, options);
      } else copyTree(host, hostPath(source.path), container, destination.path, options);
    } finally {
      container.close();
    }
    return 0;
  } catch (e) {
    const code = reportError(e);
    // Docker's cp exits 1 for what the daemon refused.
    return code === 125 && !(e instanceof UsageError) ? 1 : code;
  }
}
