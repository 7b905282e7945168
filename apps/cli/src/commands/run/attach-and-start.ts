import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRecord, ContainerStateFile, ContainerStore, LaunchedMonitor } from '@gc/engine';
import { createKernel, GcError, type Kernel } from '@gc/syscall';
import { connectAttachSocket, runAttached } from '../attach/index.js';
import { leaveOnSignals, proxySignals } from '../attach/signal-proxy.js';
import { runs } from '../detached/liveness.js';

/** How long the monitor may take to listen on its attach socket. */
const LISTEN_TIMEOUT_MS = 10_000;
/** How long its cleanup (and removal) after the exit may take before we return anyway. */
const LAST_WORDS_MS = 10_000;

export interface AttachAndStartOptions {
  detachKeys?: string;
  /** --sig-proxy=false: our signals end us, not the container. */
  sigProxy?: boolean;
  /** The container runs: from here on a failure is not a failed start (it is not removed). */
  onStarted(): void;
}

/**
 * A kept foreground run (see kept-run.ts), once its record is made and
 * `launch` (a monitor started with waitAttach) is under way: connect to the
 * monitor's attach socket as soon as it listens, which lets it start the
 * container; relay our stdio until the container exits (its code is ours)
 * or the detach keys; pass on the signals `docker run` passes on. A start
 * that fails throws its ContainerLaunchError, as `run -d`'s does.
 */
export async function attachAndStart(
  store: ContainerStore,
  record: ContainerRecord,
  launch: Promise<LaunchedMonitor>,
  options: AttachAndStartOptions,
): Promise<number> {
  let failed: { error: unknown } | undefined;
  launch.catch((error: unknown) => {
    failed = { error };
  });
  // From the first moment: a signal before the container runs is passed on once it does.
  const signals = options.sigProxy === false ? leaveOnSignals() : proxySignals(store, record);
  try {
    const kernel = createKernel();
    const socket = await connectWhenListening(kernel, store.dir(record.id), () => failed !== undefined);
    if (socket === undefined) throw (failed as { error: unknown }).error;
    const session = runAttached(kernel, store, record, socket, {
      ...(options.detachKeys === undefined ? {} : { detachKeys: options.detachKeys }),
    });
    // Awaited below; a failure meanwhile (our stdout closed) is not an unhandled rejection.
    session.catch(() => undefined);
    try {
      await launch;
    } catch (error) {
      // The monitor closed the socket as it reported the failure: the session ends by itself.
      await session.catch(() => undefined);
      throw error;
    }
    options.onStarted();
    const started = store.readState(record.id);
    signals.running();
    const result = await session;
    if (result.dropped) {
      throw new GcError(
        'ENGINE_ATTACH_DROPPED',
        `the monitor of container ${record.id} let this client go (its output was not read for a second); it runs on: see gocontainer logs -f ${record.id.slice(0, 12)}`,
      );
    }
    if (!result.detached) await lastWords(store, record, started);
    return result.code;
  } finally {
    signals.stop();
  }
}

/**
 * After the exit, what the monitor does before `docker run` would return,
 * so that `ps -a`, `start` or `rm` right after us see the container as it
 * is: without a restart policy, its cleanup, the exit in its state file and
 * (--rm) its removal, after which the monitor ends; with one, until its
 * state file says it is no longer running (restarting, or exited).
 */
async function lastWords(
  store: ContainerStore,
  record: ContainerRecord,
  started: ContainerStateFile | undefined,
): Promise<void> {
  const restarts = record.hostConfig.restartPolicy.name !== 'no';
  for (const end = Date.now() + LAST_WORDS_MS; Date.now() < end; ) {
    if (!runs(started?.monitorPid, started?.monitorStart)) return;
    if (restarts && store.readState(record.id)?.status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The connected attach socket of the monitor in `dir`, or undefined once `gaveUp()` (its launch failed). */
async function connectWhenListening(kernel: Kernel, dir: string, gaveUp: () => boolean): Promise<number | undefined> {
  const path = join(dir, 'attach.sock');
  for (const end = Date.now() + LISTEN_TIMEOUT_MS; ; ) {
    if (gaveUp()) return undefined;
    if (existsSync(path)) {
      try {
        return connectAttachSocket(kernel, dir);
      } catch (e) {
        // Bound but not listening yet.
        if (!GcError.isInstance(e) || (e.code !== 'ECONNREFUSED' && e.code !== 'ENOENT')) throw e;
      }
    }
    if (Date.now() > end) {
      throw new GcError('ENGINE_NO_ATTACH', `the container's monitor did not listen on ${path} within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
