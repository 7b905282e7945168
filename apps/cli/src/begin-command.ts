import { type GlobalOptions, parseGlobalOptions } from './global-options.js';
import { logDebug, openLog } from './log.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';

export interface CommandCall {
  readonly global: GlobalOptions;
  /** The command's name; undefined when none was given. */
  readonly command: string | undefined;
  readonly rest: string[];
}

/**
 * What every entry (dist/main.cjs, dist/lifecycle.cjs) does first: the global
 * options, the `--log` opened, `--systemd-cgroup` refused. Returns the exit
 * code instead of the call when that failed (already reported).
 */
export function beginCommand(argv: string[]): CommandCall | number {
  let global: GlobalOptions;
  let line: string[];
  try {
    ({ global, rest: line } = parseGlobalOptions(argv));
  } catch (e) {
    return reportError(e);
  }
  openLog(global);
  if (global.systemdCgroup) {
    // Exit 1, as runc fails; said in the log too, where an engine looks.
    return reportError(new UsageError('--systemd-cgroup: systemd cgroup management is not supported yet', 1));
  }
  const [command, ...rest] = line;
  logDebug(`command line: ${JSON.stringify(argv)}`);
  return { global, command, rest };
}
