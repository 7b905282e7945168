import { type ContainerRecord, type ContainerStateFile, createContainerStore } from '@gc/engine';
import { formatOptions, type OptionSpec, parseCommandLine } from '../../command-line.js';
import type { GlobalOptions } from '../../global-options.js';
import { reportError } from '../../report-error.js';
import { UsageError } from '../../usage-error.js';
import { followLog, sizeOf } from '../detached/follow-log.js';
import { launchDetached } from '../detached/launch.js';
import { isUp, runs } from '../detached/liveness.js';

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'attach',
    long: 'attach',
    short: 'a',
    help: "print the container's output until it exits, and exit with its code",
  },
  { key: 'help', long: 'help', help: 'show this help' },
];

const USAGE = `Usage: gocontainer container start [OPTIONS] CONTAINER [CONTAINER...]

Start one or more stopped (created or exited) containers, each under a new
monitor, as they were made by run -d. One that runs already is left as it is.

Options:
`;

/**
 * Docker's `start [-a] CONTAINER...` of the engine's containers. Prints each
 * container as named once it runs (as docker start); with -a, one container
 * only, its output until it exits, and its exit code.
 */
export async function dockerStartCommand(argv: readonly string[], global: GlobalOptions): Promise<number> {
  try {
    const line = parseCommandLine('start', argv, OPTIONS);
    if (line.flags.help) {
      process.stdout.write(`${USAGE}${formatOptions(OPTIONS)}\n`);
      return 0;
    }
    if (line.rest.length === 0)
      throw new UsageError('start: expected at least one container (start [-a] CONTAINER...)');
    if (line.flags.attach && line.rest.length > 1) {
      throw new UsageError('start: you cannot start and attach multiple containers at once');
    }
    const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
    const records = line.rest.map((ref) => store.find(ref));
    let failed = 0;
    for (const [i, record] of records.entries()) {
      try {
        if (line.flags.attach) return await startAttached(record, global);
        await startOne(record, global);
        process.stdout.write(`${line.rest[i]}\n`);
      } catch (e) {
        failed = reportError(e);
      }
    }
    return failed === 0 ? 0 : 1;
  } catch (e) {
    return reportError(e);
  }
}

/** Start it unless it is up: a container has one monitor at a time. */
export async function startOne(record: ContainerRecord, global: GlobalOptions): Promise<void> {
  const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
  await lastWords(store.readState(record.id));
  if (isUp(store.readState(record.id))) return;
  await launchDetached(store, record, global);
}

async function startAttached(record: ContainerRecord, global: GlobalOptions): Promise<number> {
  const store = createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {});
  const log = store.logPath(record.id);
  const offset = sizeOf(log);
  await lastWords(store.readState(record.id));
  const wasUp = isUp(store.readState(record.id));
  const monitor = wasUp ? store.readState(record.id) : undefined;
  const launched = wasUp ? undefined : await launchDetached(store, record, global);
  const monitorPid = launched?.pid ?? monitor?.monitorPid;
  const monitorStart = launched ? undefined : monitor?.monitorStart;
  await followLog(log, offset, () => !runs(monitorPid, monitorStart));
  return store.readState(record.id)?.exitCode ?? 0;
}

/** A monitor that wrote its container's exit is about to end (its cleanup runs): wait for that, a while. */
async function lastWords(state: ContainerStateFile | undefined): Promise<void> {
  if (state?.status !== 'exited') return;
  for (const end = Date.now() + 10_000; runs(state.monitorPid, state.monitorStart) && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
