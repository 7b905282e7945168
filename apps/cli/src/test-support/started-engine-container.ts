import { chmodSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildRunSpec,
  type ContainerRecord,
  type ContainerStore,
  createContainerStore,
  type DockerRunFlags,
  writeContainerSpec,
  ZERO_TIME,
} from '@gc/engine';
import { testContainer } from '@gc/engine/testing';
import { type RunningContainer, type Spec, startContainer } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { createBusyboxRoot } from '@gc/syscall/testing';
import { startTime } from './recorded-container.js';

/** An engine container started in this process, recorded as `run -d` records one (record, state.json, spec). */
export interface EngineContainer {
  readonly record: ContainerRecord;
  readonly pid: number;
  /** The busybox root on the host (the container's / is this directory). */
  readonly rootfs: string;
  readonly spec: Spec;
  readonly container: RunningContainer;
  /** SIGKILL, wait, record it exited. */
  stop(): Promise<void>;
  /** stop, then remove the root and the record. */
  remove(): Promise<void>;
}

/** A temp `--data-root` with its engine store. */
export function tempDataRoot(): { path: string; store: ContainerStore; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'gc-engine-'));
  return {
    path,
    store: createContainerStore({ dataRoot: path }),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/**
 * `startContainer()` on a busybox root with the spec `run --rootfs` builds
 * (its Docker defaults: namespaces, capabilities, seccomp), written to the
 * engine store as the monitor's starter does until `run -d` lands: the
 * record, `state.json` (running, pid and start time) and the spec.
 * This process is its parent and reaps it; its stdio is /dev/null.
 */
export async function startEngineContainer(
  store: ContainerStore,
  script: string,
  options: {
    flags?: DockerRunFlags;
    name?: string;
    env?: string[];
    workingDir?: string;
    user?: string;
    /** What the record says of -t and -i (attach reads them). */
    tty?: boolean;
    openStdin?: boolean;
  } = {},
): Promise<EngineContainer> {
  const root = createBusyboxRoot();
  // mkdtemp's 0700 would keep every user but root out of the container's /.
  chmodSync(root.path, 0o755);
  const record = store.create({
    image: '',
    path: '/bin/sh',
    args: ['-c', script],
    config: {
      hostname: 'engine-test',
      env: options.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      workingDir: options.workingDir ?? '',
      user: options.user ?? '',
      tty: options.tty ?? false,
      openStdin: options.openStdin ?? false,
      labels: {},
    },
    hostConfig: testContainer().hostConfig,
    ...(options.name ? { name: options.name } : {}),
  });
  const { spec } = buildRunSpec({
    hostname: 'engine-test',
    ...options.flags,
    id: record.id,
    rootfs: root.path,
    command: ['/bin/sh', '-c', script],
  });
  writeContainerSpec(store.dir(record.id), spec);
  const devNull = openSync('/dev/null', 'r+');
  let container: RunningContainer;
  try {
    container = await startContainer(spec, {
      kernel: createKernel(),
      containerId: record.id,
      stdio: [devNull, devNull, devNull],
    });
  } catch (e) {
    store.remove(record.id);
    root.remove();
    throw e;
  } finally {
    closeSync(devNull);
  }
  const startedAt = new Date().toISOString();
  store.writeState(record.id, {
    status: 'running',
    pid: container.pid,
    pidStart: startTime(container.pid),
    exitCode: 0,
    oomKilled: false,
    error: '',
    startedAt,
    finishedAt: ZERO_TIME,
    restartCount: 0,
  });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      container.kill('SIGKILL');
      const exit = await container.exited;
      store.writeState(record.id, {
        status: 'exited',
        pid: 0,
        exitCode: exit.exitCode,
        oomKilled: exit.oomKilled,
        error: '',
        startedAt,
        finishedAt: new Date().toISOString(),
        restartCount: 0,
      });
    })();
    return stopped;
  };
  return {
    record,
    pid: container.pid,
    rootfs: root.path,
    spec,
    container,
    stop,
    remove: async () => {
      await stop();
      store.remove(record.id);
      root.remove();
    },
  };
}
