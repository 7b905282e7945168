import type { ContainerRecord } from '../store/container-record.js';

export interface MonitorPlanInput {
  readonly record: Pick<ContainerRecord, 'id' | 'hostConfig'> & {
    readonly config: Pick<ContainerRecord['config'], 'tty' | 'openStdin'>;
  };
  /** The container's directory (`ContainerStore.dir`): state.json and stop-requested live there. */
  readonly dir: string;
  /** Its json-file log (`ContainerStore.logPath`). */
  readonly logPath: string;
  /**
   * The gocontainer command line the monitor runs with a verb and the ID
   * appended: `__start-container ID` for each start, `__cleanup-container ID`
   * after each exit, `__remove-container ID` at the end with --rm.
   */
  readonly command: readonly string[];
  /** The fd number, in the monitor, of the pipe it answers the launching CLI on (`started PID` or `error CODE TEXT`). */
  readonly reportFd?: number;
  /**
   * Start the container only once a client is on the attach socket (for at
   * most 10 s): a foreground `run`, which attaches before the start as
   * `docker run` does, so that none of the output is missed.
   */
  readonly waitAttach?: boolean;
}

/** What to exec: the static gc-monitor with its whole configuration in argv. */
export interface MonitorPlan {
  readonly args: readonly string[];
}

/**
 * The monitor's command line for a container: everything it needs is
 * decided here, from the record; the C program only does it (see
 * native/src/gc-monitor.c).
 */
export function planMonitor(input: MonitorPlanInput): MonitorPlan {
  const { hostConfig, id } = input.record;
  const args = ['--dir', input.dir, '--id', id, '--log', input.logPath];
  const { maxSize, maxFile } = hostConfig.logConfig;
  if (maxSize !== undefined) args.push('--max-size', String(maxSize));
  if (maxFile !== undefined) args.push('--max-file', String(maxFile));
  const policy = hostConfig.restartPolicy;
  if (policy.name !== 'no') args.push('--restart', policy.name);
  if (policy.name === 'on-failure' && policy.maximumRetryCount > 0) {
    args.push('--max-retries', String(policy.maximumRetryCount));
  }
  if (hostConfig.autoRemove) args.push('--rm');
  if (input.record.config.tty) args.push('--tty');
  if (input.record.config.openStdin) args.push('--stdin');
  if (input.waitAttach) args.push('--wait-attach');
  if (input.reportFd !== undefined) args.push('--report-fd', String(input.reportFd));
  return { args: [...args, '--', ...input.command] };
}
