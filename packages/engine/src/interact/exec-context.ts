import type { ContainerRecord as OciRecord, RuntimeContext, Spec, StateStore } from '@gc/runtime';
import { GcError, type Kernel } from '@gc/syscall';
import type { ContainerRecord } from '../store/container-record.js';
import type { RunningInit } from './running-init.js';

/**
 * A RuntimeContext in which `execProcess` of @gc/runtime finds one engine
 * container: an engine container has no OCI state record under the runtime
 * root (it was started by `startContainer`, not by create and start), so
 * its store is this one-record adapter. Only `load` is asked by exec; the
 * rest refuse, so that nothing mistakes an engine container for an OCI one.
 */
export function engineExecContext(
  kernel: Kernel,
  record: ContainerRecord,
  init: RunningInit,
  spec: Spec,
  containerDir: string,
): RuntimeContext {
  const oci: OciRecord = {
    id: record.id,
    bundle: containerDir,
    annotations: {},
    status: 'running',
    init: { pid: init.pid, start: init.start },
    created: record.created,
    ...(init.cgroup === undefined ? {} : { cgroup: init.cgroup }),
    rootfs: spec.root?.path ?? `/proc/${init.pid}/root`,
    owner: process.geteuid?.() ?? 0,
    config: spec,
  };
  const refuse = (what: string) => () => {
    throw new GcError('ENGINE_NOT_OCI', `${what}: ${record.id} is an engine container, not one of the OCI runtime's`);
  };
  const store: StateStore = {
    root: containerDir,
    create: refuse('create'),
    load: (id) => {
      if (id !== record.id) refuse(`load ${id}`)();
      return { record: oci, status: 'running' };
    },
    list: () => [{ record: oci, status: 'running' }],
    update: refuse('update'),
    remove: refuse('remove'),
    state: refuse('state'),
  };
  return { kernel, store };
}
