import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_ROOT } from '@gc/runtime';
import { GcError } from '@gc/syscall';
import type { ContainerRecord } from '../store/container-record.js';
import { containerCgroup, containerNow, type EngineContext, waitFor } from './engine-context.js';
import { ENGINE_CONTAINER_RUNNING, ENGINE_TIMEOUT } from './errors.js';
import { signalInit } from './signal.js';
import { killNow } from './stop.js';
import { requestStop } from './stop-request.js';

export interface RemoveOptions {
  /** `-f`: kill a running container first. */
  force?: boolean;
}

/** How long a killed container's monitor may take to record the exit and end. */
const MONITOR_GRACE_MS = 10_000;

/**
 * `docker rm`: a container that does not run (with `force`, any: it is
 * killed first) goes with its directory (record, state, logs, writable
 * layer), its cgroup and its run directory. The monitor of one killed
 * here is waited for, so that it does not restart it or write into a
 * directory being removed; the monitor's own `__remove-container` (--rm)
 * finds the container exited and does not wait for itself.
 */
export async function removeContainer(
  ctx: EngineContext,
  record: ContainerRecord,
  options: RemoveOptions = {},
): Promise<void> {
  let now = containerNow(ctx, record);
  if ((now.state.running || now.state.restarting) && !options.force) {
    const what = now.state.paused ? 'paused' : now.state.restarting ? 'restarting' : 'running';
    throw new GcError(
      ENGINE_CONTAINER_RUNNING,
      `cannot remove container "/${record.name}": container is ${what}: stop the container before removing or force remove (-f, --force)`,
    );
  }
  // Killed here: its monitor is waited for. An exited container's monitor
  // may still run (it is the one removing it, for --rm): not waited for.
  if (now.state.running || now.state.restarting) {
    requestStop(ctx.store, record.id);
    await killNow(ctx, record);
    const ended = await waitFor(ctx, record, (n) => !n.state.running && !n.state.monitored, MONITOR_GRACE_MS);
    if (!ended) {
      // A monitor that does not end: it is this container's own, it goes too.
      const file = ctx.store.readState(record.id);
      if (file?.monitorPid !== undefined) {
        signalInit(
          ctx,
          {
            ...file,
            pid: file.monitorPid,
            ...(file.monitorStart !== undefined ? { pidStart: file.monitorStart } : {}),
          },
          9,
        );
      }
      const after = await waitFor(ctx, record, (n) => !n.state.running && !n.state.monitored, MONITOR_GRACE_MS);
      if (!after) throw new GcError(ENGINE_TIMEOUT, `rm ${record.name}: the container or its monitor did not end`);
    }
    now = containerNow(ctx, record);
  }
  await containerCgroup(ctx, record, now.file)
    .destroy()
    .catch(() => undefined);
  rmSync(join(ctx.runRoot ?? RUN_ROOT, record.id), { recursive: true, force: true });
  ctx.store.remove(record.id);
}
