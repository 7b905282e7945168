import { cgroupFrozen, type Process, type RuntimeContext } from '@gc/runtime';
import { GcError, type Kernel } from '@gc/syscall';
import { ENGINE_PAUSED } from '../operations/errors.js';
import type { ContainerRecord } from '../store/container-record.js';
import type { ContainerStore } from '../store/container-store.js';
import { readContainerSpec } from './container-spec.js';
import { engineExecContext } from './exec-context.js';
import { type DockerExecRequest, dockerExecProcess } from './exec-request.js';
import { type RunningInit, runningInit } from './running-init.js';

/** What `execProcess` of @gc/runtime is called with to exec into an engine container. */
export interface ExecTarget {
  readonly record: ContainerRecord;
  readonly init: RunningInit;
  readonly ctx: RuntimeContext;
  /** The id to pass to `execProcess(ctx, id, process)`. */
  readonly id: string;
  readonly process: Process;
}

/**
 * Everything `docker exec REF ...` needs of the engine: the container (by
 * ID, name or prefix), running (else ENGINE_NOT_RUNNING), its spec, and the
 * process built from the request. Throws before anything is made.
 */
export function prepareExec(
  store: ContainerStore,
  kernel: Kernel,
  ref: string,
  request: DockerExecRequest,
): ExecTarget {
  const record = store.find(ref);
  const init = runningInit(record, store.readState(record.id));
  const spec = readContainerSpec(store.dir(record.id));
  if (spec === undefined) {
    throw new GcError(
      'ENGINE_NO_SPEC',
      `container ${record.id} has no recorded spec (config.json in its directory): it was started by a gocontainer that did not write one; restart it to exec into it`,
    );
  }
  const process = dockerExecProcess(record, spec, `/proc/${init.pid}/root`, request);
  const ctx = engineExecContext(kernel, record, init, spec, store.dir(record.id));
  // A process joining a frozen cgroup would freeze before it runs, and exec with it.
  if (cgroupFrozen(kernel)(ctx.store.load(record.id).record)) {
    throw new GcError(ENGINE_PAUSED, `container ${record.id} is paused, unpause the container first`);
  }
  return {
    record,
    init,
    ctx,
    id: record.id,
    process,
  };
}
