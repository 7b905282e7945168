import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, createReadStream, openSync } from 'node:fs';
import { buildRunSpec, type ContainerRecord, type ContainerStore, ZERO_TIME } from '@gc/engine';
import { testContainer } from '@gc/engine/testing';
import { type RunningContainer, startContainer } from '@gc/runtime';
import { createKernel, O_CLOEXEC } from '@gc/syscall';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { startTime } from './recorded-container.js';

/** An engine container with a real init, as a detached one is (a monitor's state file, the cgroup of its ID). */
export interface EngineContainer {
  readonly record: ContainerRecord;
  readonly pid: number;
  readonly container: RunningContainer;
  /** The monitor's stand-in: a process that lives until the exit is recorded, as gc-monitor does. */
  readonly monitor: ChildProcess;
  /** Resolves with the exit code once the exit is in state.json and the monitor is gone. */
  readonly recorded: Promise<number>;
  /** Thaw, SIGKILL, wait for the exit to be recorded, remove the root. */
  stop(): Promise<void>;
}

const now = () => new Date().toISOString().replace(/Z$/, '000000Z');

/**
 * Make an engine container named `name` running `sh -c script` on a busybox
 * root, as `run -d` leaves one: its record, a `running` state.json with the
 * init's and the monitor's pid and start time. This process plays the
 * monitor's part (it is the init's parent and writes the exit into
 * state.json, then ends the stand-in process), until the monitor exists.
 */
export async function startEngineContainer(
  store: ContainerStore,
  name: string,
  script: string,
  config: { stopSignal?: string; stopTimeout?: number } = {},
  options: { log?: boolean } = {},
): Promise<EngineContainer> {
  const root = createBusyboxRoot();
  const record = store.create(
    testContainer({
      name,
      image: '',
      path: '/bin/sh',
      args: ['-c', script],
      config: { ...testContainer().config, hostname: name, ...config },
    }),
  );
  const { spec } = buildRunSpec({ id: record.id, rootfs: root.path, command: ['/bin/sh', '-c', script] });
  const monitor = spawn('sleep', ['3600'], { stdio: 'ignore' });
  const kernel = createKernel();
  const devNull = openSync('/dev/null', 'r+');
  // With log: stdout and stderr through pipes into the json-file log, as the monitor writes it.
  const pipes = options.log ? [kernel.pipe2(O_CLOEXEC), kernel.pipe2(O_CLOEXEC)] : [];
  let container: RunningContainer;
  try {
    container = await startContainer(spec, {
      kernel,
      containerId: record.id,
      stdio: [devNull, pipes[0]?.[1] ?? devNull, pipes[1]?.[1] ?? devNull],
    });
  } catch (e) {
    monitor.kill('SIGKILL');
    for (const [r] of pipes) closeSync(r);
    root.remove();
    throw e;
  } finally {
    closeSync(devNull);
    for (const [, w] of pipes) closeSync(w);
  }
  const logged = pipes.map(
    ([r], i) =>
      new Promise<void>((resolve) => {
        const stream = i === 0 ? 'stdout' : 'stderr';
        let pending = '';
        const write = (log: string) =>
          appendFileSync(store.logPath(record.id), `${JSON.stringify({ log, stream, time: now() })}\n`);
        createReadStream('', { fd: r })
          .on('data', (chunk) => {
            const lines = (pending + chunk.toString()).split('\n');
            pending = lines.pop() as string;
            for (const line of lines) write(`${line}\n`);
          })
          .on('close', () => {
            if (pending !== '') write(pending);
            resolve();
          });
      }),
  );
  const base = {
    pid: container.pid,
    pidStart: startTime(container.pid),
    monitorPid: monitor.pid as number,
    monitorStart: startTime(monitor.pid as number),
    oomKilled: false,
    error: '',
    startedAt: now(),
    restartCount: 0,
  };
  store.writeState(record.id, { ...base, status: 'running', exitCode: 0, finishedAt: ZERO_TIME });
  const monitorGone = new Promise<void>((resolve) => monitor.once('exit', () => resolve()));
  const recorded = container.exited.then(async (exit) => {
    await Promise.all(logged);
    try {
      store.writeState(record.id, { ...base, status: 'exited', pid: 0, exitCode: exit.exitCode, finishedAt: now() });
    } catch {
      // removed meanwhile (rm -f)
    }
    monitor.kill('SIGKILL');
    await monitorGone;
    return exit.exitCode;
  });
  return {
    record,
    pid: container.pid,
    container,
    monitor,
    recorded,
    stop: async () => {
      await container.cgroup.thaw().catch(() => undefined);
      container.kill('SIGKILL');
      await recorded;
      root.remove();
    },
  };
}
