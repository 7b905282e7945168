import { type CgroupManager, createCgroupManager } from '@gc/cgroups';
import { createKernel, type Kernel } from '@gc/syscall';
import { tryReadStartFile } from '../monitor/start-file.js';
import { type LiveState, liveState } from '../status/live-state.js';
import type { ContainerRecord, ContainerStateFile } from '../store/container-record.js';
import type { ContainerStore } from '../store/container-store.js';

/** What the container operations act on: the store, the host. */
export interface EngineContext {
  readonly store: ContainerStore;
  /** The runtime's run root (`--root`), where a running container has its run directory; default RUN_ROOT. */
  readonly runRoot?: string;
  readonly kernel?: Kernel;
  /** How often a wait looks again (default 50 ms). */
  readonly pollMs?: number;
}

/** A container with what it is doing now. */
export interface ContainerNow {
  readonly record: ContainerRecord;
  readonly file: ContainerStateFile | undefined;
  readonly state: LiveState;
}

let sharedKernel: Kernel | undefined;
export function kernelOf(ctx: EngineContext): Kernel {
  if (ctx.kernel) return ctx.kernel;
  sharedKernel ??= createKernel();
  return sharedKernel;
}

/**
 * The container's cgroup: the one its state file names; else the one each
 * start of a detached container makes, resolved as `startContainer`
 * resolves it (start.json's spec cgroupsPath, else `--cgroup-parent`/ID);
 * else the runtime's default for its ID.
 */
export function containerCgroup(ctx: EngineContext, record: ContainerRecord, file?: ContainerStateFile): CgroupManager {
  const start = file?.cgroup ? undefined : tryReadStartFile(ctx.store.dir(record.id));
  const cgroupsPath = file?.cgroup ?? start?.spec.linux?.cgroupsPath;
  return createCgroupManager({
    id: record.id,
    ...(cgroupsPath ? { cgroupsPath } : {}),
    ...(start?.cgroupParent ? { parent: start.cgroupParent } : {}),
    kernel: kernelOf(ctx),
  });
}

/** The record's live state: its state file checked against its processes and its cgroup's freezer. */
export function containerNow(ctx: EngineContext, record: ContainerRecord): ContainerNow {
  const file = ctx.store.readState(record.id);
  const state = liveState(file, {
    frozen: () => {
      try {
        return containerCgroup(ctx, record, file).frozen();
      } catch {
        return false;
      }
    },
  });
  return { record, file, state };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Look at the container until `done` says so, or `timeoutMs` passed (then false). */
export async function waitFor(
  ctx: EngineContext,
  record: ContainerRecord,
  done: (now: ContainerNow) => boolean,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<ContainerNow | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const now = containerNow(ctx, record);
    if (done(now)) return now;
    if (Date.now() >= end) return undefined;
    await sleep(Math.min(ctx.pollMs ?? 50, Math.max(1, end - Date.now())));
  }
}
