import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type ContainerRecord,
  type ContainerStore,
  type LaunchedMonitor,
  launchMonitor,
  MONITOR_REPORT_FD,
  planMonitor,
} from '@gc/engine';
import type { GlobalOptions } from '../../global-options.js';

/**
 * The command line of this gocontainer, for the monitor to run its internal
 * commands with: the same Node, the same bin file, the same roots.
 */
export function starterCommand(global: GlobalOptions): string[] {
  return [
    process.execPath,
    resolve(process.argv[1] as string),
    ...(global.root ? ['--root', global.root] : []),
    ...(global.dataRoot ? ['--data-root', global.dataRoot] : []),
  ];
}

/**
 * Start a detached container under a new gc-monitor (`run -d`, `start`,
 * `restart`): a stop request left by the last `stop` goes first (Docker's
 * `start` clears "manually stopped"). Resolves once it runs; throws the
 * ContainerLaunchError of a start that failed. `waitAttach`: the monitor
 * starts it only once a client is on its attach socket (a foreground run).
 */
export function launchDetached(
  store: ContainerStore,
  record: ContainerRecord,
  global: GlobalOptions,
  options: { waitAttach?: boolean } = {},
): Promise<LaunchedMonitor> {
  rmSync(join(store.dir(record.id), 'stop-requested'), { force: true });
  const plan = planMonitor({
    record,
    dir: store.dir(record.id),
    logPath: store.logPath(record.id),
    command: starterCommand(global),
    reportFd: MONITOR_REPORT_FD,
    ...(options.waitAttach ? { waitAttach: true } : {}),
  });
  return launchMonitor(plan);
}
