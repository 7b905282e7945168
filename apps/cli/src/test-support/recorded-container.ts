import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRunSpec } from '@gc/engine';
import { type LinuxResources, type RunningContainer, type StateStore, startContainer } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import { createBusyboxRoot } from '@gc/syscall/testing';

/** The start time of a process (`/proc/PID/stat` field 22), as the store records an init. */
export function startTime(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** A busybox container started in this process and recorded as running in `store`, as create + start would. */
export interface RecordedContainer {
  readonly id: string;
  readonly pid: number;
  /** The busybox root on the host: what the container writes to / is here. */
  readonly rootfs: string;
  readonly container: RunningContainer;
  /** Thaw, SIGKILL, wait for the exit (the cgroup goes with it), remove the root. */
  stop(): Promise<void>;
}

/**
 * A running container in `store` without the CLI's create and start (a test
 * of those is `bundle.integration.test.ts`): `startContainer()` on a busybox
 * root (the spec `gocontainer run --rootfs` builds), then the record create
 * and start write. This process is its parent and reaps it. Its stdio is
 * /dev/null.
 */
export async function startRecorded(
  store: StateStore,
  id: string,
  script: string,
  resources?: LinuxResources,
): Promise<RecordedContainer> {
  const root = createBusyboxRoot();
  const { spec } = buildRunSpec({ id, rootfs: root.path, command: ['/bin/sh', '-c', script] });
  if (resources) spec.linux = { ...spec.linux, resources: { ...spec.linux?.resources, ...resources } };
  const devNull = openSync('/dev/null', 'r+');
  const created = new Date().toISOString();
  await store.create(id, {
    bundle: root.path,
    annotations: {},
    status: 'creating',
    created,
    rootfs: root.path,
    owner: 0,
    config: spec,
  });
  let container: RunningContainer;
  try {
    container = await startContainer(spec, {
      kernel: createKernel(),
      containerId: id,
      stdio: [devNull, devNull, devNull],
    });
  } finally {
    closeSync(devNull);
  }
  await store.update(id, (r) => ({
    ...r,
    status: 'running',
    init: { pid: container.pid, start: startTime(container.pid) },
    cgroup: container.cgroup.path,
    started: new Date().toISOString(),
  }));
  return {
    id,
    pid: container.pid,
    rootfs: root.path,
    container,
    stop: async () => {
      await container.cgroup.thaw().catch(() => undefined);
      container.kill('SIGKILL');
      await container.exited;
      root.remove();
    },
  };
}

/** A temp `--root`, and its removal. */
export function tempRoot(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'gc-ops-root-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The container's cgroup directory in a v1 hierarchy (`memory`, `pids`, `freezer`) of this host. */
export function v1Dir(controller: string, cgroupPath: string): string {
  return join('/sys/fs/cgroup', controller, cgroupPath);
}

/** Leftover check: the container's cgroup is gone from every hierarchy. */
export function cgroupGone(cgroupPath: string): boolean {
  return ['memory', 'pids', 'freezer', 'cpu', 'unified'].every(
    (c) => !existsSync(join('/sys/fs/cgroup', c, cgroupPath)),
  );
}
