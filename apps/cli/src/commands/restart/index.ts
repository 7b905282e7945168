import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ContainerRecord, type ContainerStore, createContainerStore } from '@gc/engine';
import { sweepRunDirs } from '@gc/runtime';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { startOne } from '../container-start/index.js';
import { runs } from '../detached/liveness.js';
import { releaseSweptHold } from '../run/image-hold.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'time',
    long: 'time',
    short: 't',
    value: 'SECONDS',
    help: 'seconds to wait for it to stop before SIGKILL (default: its stop timeout, else 10)',
  },
  { key: 'help', long: 'help', help: 'show this help' },
];

const USAGE = `Usage: gocontainer restart [OPTIONS] CONTAINER [CONTAINER...]

Stop each container (its stop signal, then SIGKILL after the timeout) and
start it again under a new monitor. A stopped container is only started.

Options:
`;

/** Docker's `restart [-t N] CONTAINER...`: prints each container as named. */
export async function restartCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  try {
    const line = parseCommandLine('restart', argv, OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(OPTIONS)}\n`);
      return 0;
    }
    const time = line.flags.time as string | undefined;
    if (time !== undefined && !/^-?\d+$/.test(time)) {
      throw new UsageError(`--time: "${time}" is not a whole number of seconds`);
    }
    if (line.rest.length === 0) throw new UsageError('restart: expected at least one container');
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
    let failed = 0;
    for (const ref of line.rest) {
      try {
        const record = store.find(ref);
        await stopForRestart(store, record, time === undefined ? undefined : Number(time), global);
        await startOne(record, global);
        process.stdout.write(`${ref}\n`);
      } catch (e) {
        failed = reportError(e);
      }
    }
    return failed === 0 ? 0 : 1;
  } catch (e) {
    return reportError(e);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * End the container's life as `stop` does: a stop request (so that its
 * restart policy lets it go), its stop signal, SIGKILL after `seconds`
 * (negative: wait for ever), then its monitor's end (or, the monitor
 * killed, the init's, and the sweep of what it left).
 */
async function stopForRestart(
  store: ContainerStore,
  record: ContainerRecord,
  seconds: number | undefined,
  global: GlobalOptions,
): Promise<void> {
  const state = store.readState(record.id);
  if (!state) return;
  const monitorUp = () => runs(state.monitorPid, state.monitorStart);
  const initUp = () => state.pid > 0 && runs(state.pid, state.pidStart);
  if (!monitorUp() && !initUp()) return;
  // `restart` in it: the monitor of a --rm container leaves it for the start that follows.
  writeFileSync(join(store.dir(record.id), 'stop-requested'), 'restart');
  const signal = record.config.stopSignal ?? 'SIGTERM';
  const kill = (sig: NodeJS.Signals | string) => {
    // Read again: between two lives of a restart policy the init is another.
    const now = store.readState(record.id);
    if (now?.pid && runs(now.pid, now.pidStart)) process.kill(now.pid, sig as NodeJS.Signals);
  };
  kill(signal);
  const timeout = seconds ?? record.config.stopTimeout ?? 10;
  const gone = () => !monitorUp() && !initUp();
  for (const end = Date.now() + timeout * 1000; !gone() && (timeout < 0 || Date.now() < end); ) await sleep(20);
  if (!gone()) kill('SIGKILL');
  while (!gone()) {
    kill('SIGKILL');
    await sleep(20);
  }
  // A monitor killed before its container: what the container used on the host goes now.
  await sweepRunDirs({ ...(global.root ? { root: global.root } : {}), beforeRemove: releaseSweptHold });
}
