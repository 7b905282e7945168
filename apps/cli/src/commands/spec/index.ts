import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { defaultSpec, toRootless } from './default-spec.js';

const SPEC_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'bundle',
    long: 'bundle',
    short: 'b',
    value: 'DIR',
    help: 'the bundle directory to write config.json in (default: .)',
  },
  { key: 'rootless', long: 'rootless', help: 'a spec for a container run by an unprivileged user (a user namespace)' },
  { key: 'help', long: 'help', short: 'h', help: 'this help' },
];

const USAGE = `Usage: gocontainer spec [OPTIONS]

Write a starter config.json (runc's defaults: sh in ./rootfs) into the bundle
directory. An existing config.json is left alone.

Options:
`;

/** `gocontainer spec`: exit 0 with config.json written, or 1 with nothing written (runc's codes). */
export function specCommand(argv: readonly string[]): number {
  try {
    const line = parseCommandLine('spec', argv, SPEC_OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(SPEC_OPTIONS)}\n`);
      return 0;
    }
    if (line.rest.length > 0) throw new UsageError(`spec: takes no arguments, got ${JSON.stringify(line.rest[0])}`, 1);
    const bundle = (line.flags.bundle as string | undefined) ?? '.';
    if (bundle === '') throw new UsageError('spec: --bundle: expected a directory, got ""', 1);
    let spec = defaultSpec();
    if (line.flags.rootless) spec = toRootless(spec, { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 });
    write(join(bundle, 'config.json'), `${JSON.stringify(spec, null, '\t')}`, bundle);
    return 0;
  } catch (e) {
    reportError(e);
    return 1;
  }
}

/** Create the file, never replace one (O_EXCL: no window between a check and the write). */
function write(file: string, text: string, bundle: string): void {
  try {
    writeFileSync(file, text, { flag: 'wx', mode: 0o666 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError('File config.json exists. Remove it first', 1);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UsageError(`spec: --bundle ${bundle}: not a directory (${code})`, 1);
    }
    throw new UsageError(`spec: write ${file}: ${(e as Error).message}`, 1);
  }
}
