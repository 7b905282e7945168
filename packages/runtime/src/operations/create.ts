import { join } from 'node:path';
import { createCgroupManager } from '@gc/cgroups';
import type { FilterCache } from '@gc/seccomp';
import type { ProcessHandle, SpawnedChild } from '@gc/syscall';
import { readBundle } from '../bundle.js';
import { makeExecFifo } from '../exec-fifo.js';
import { execHelperFd } from '../init-binary.js';
import { writePidFile } from '../pid-file.js';
import { type ContainerPlan, CREATED_LABEL, planContainer } from '../plan-container.js';
import { ownerOf } from '../process-owner.js';
import { runcDeviceRules } from '../runc-devices.js';
import { startError } from '../start-error.js';
import { validateContainerId } from '../state/validate-id.js';
import type { RuntimeContext } from './context.js';

export interface CreateOptions {
  /** The bundle directory (holding config.json); default the current directory, as runc. */
  bundle?: string;
  /** Write the init's pid here (`--pid-file`), atomically. */
  pidFile?: string;
  /** A unix socket path to send the pty master to, with `process.terminal` (`--console-socket`). */
  consoleSocket?: string;
  /** Hand fds 3 .. 3+N-1 of this process to the container too (`--preserve-fds N`). */
  preserveFds?: number;
  /** chroot instead of pivot_root (`--no-pivot`). */
  noPivot?: boolean;
  /** Keep the caller's session keyring (`--no-new-keyring`). */
  noNewKeyring?: boolean;
  /** The container's stdio: fd N in it is `stdio[N]` here (default 0, 1, 2: the caller's, untouched). */
  stdio?: readonly number[];
  /** Compiled seccomp filters to reuse (`createFileFilterCache`). */
  seccompCache?: FilterCache;
  /**
   * Keep watching the init (the in-process API: `created.process.exited`).
   * Default: it is left to whoever reaps this process's orphans (containerd's
   * shim is a child subreaper), and this process may exit.
   */
  watch?: boolean;
}

export interface CreatedContainer {
  readonly id: string;
  /** The init's pid, as this process sees it. */
  readonly pid: number;
  /** With `watch`: the init, reaped by this process. */
  readonly process?: ProcessHandle;
}

/**
 * The OCI `create`: everything up to the exec is done, then the init waits
 * on the exec fifo for `start`, running from the static gc-exec (no Node
 * heap), with no parent-death signal, and create returns. A failure leaves
 * nothing: no state, cgroup, process (mounts lived in the init's mount
 * namespace).
 */
export async function createContainer(
  ctx: RuntimeContext,
  id: string,
  options: CreateOptions = {},
): Promise<CreatedContainer> {
  validateContainerId(id);
  const { kernel, store } = ctx;
  const bundle = readBundle(options.bundle ?? process.cwd());
  const { spec } = bundle;
  const preserve = options.preserveFds ?? 0;
  if (!Number.isInteger(preserve) || preserve < 0) {
    throw new TypeError(`preserveFds: expected a whole number of fds, got ${String(preserve)}`);
  }
  const stdio = options.stdio ?? [0, 1, 2];
  const fds = [...stdio, ...Array.from({ length: preserve }, (_, i) => stdio.length + i)];

  await store.create(id, {
    bundle: bundle.path,
    annotations: spec.annotations ?? {},
    status: 'creating',
    created: new Date().toISOString(),
    rootfs: spec.root.path,
    owner: process.geteuid?.() ?? 0,
    config: spec,
  });
  const stateDir = join(store.root, id);
  const cgroup = createCgroupManager({
    id,
    ...(spec.linux?.cgroupsPath ? { cgroupsPath: spec.linux.cgroupsPath } : {}),
    kernel,
  });
  let child: SpawnedChild | undefined;
  let init: ProcessHandle | undefined;
  let plan: ContainerPlan | undefined;
  const opened: number[] = [];
  try {
    // Recorded before it is made: a delete after a crash of this process removes it.
    await store.update(id, (r) => ({ ...r, cgroup: cgroup.path }));
    cgroup.create();
    // runc's device rules: the config's, then what every container's /dev needs.
    cgroup.apply({ ...spec.linux?.resources, devices: runcDeviceRules(spec) });
    const placement = cgroup.openPlacement();
    if (placement.cloneInto !== undefined) opened.push(placement.cloneInto);
    for (const { fd } of placement.selfMove) opened.push(fd);
    const fifo = makeExecFifo(kernel, join(stateDir, 'exec.fifo'));
    opened.push(fifo);
    const consoleSocket = options.consoleSocket === undefined ? undefined : kernel.connectUnix(options.consoleSocket);
    if (consoleSocket !== undefined) opened.push(consoleSocket);
    plan = planContainer(spec, {
      containerId: id,
      cgroup: placement,
      stdio: fds,
      parentDeathSignal: false,
      execFifo: fifo,
      ...(consoleSocket !== undefined ? { consoleSocket } : {}),
      ...(options.noPivot ? { noPivot: true } : {}),
      ...(options.noNewKeyring ? { noNewKeyring: true } : {}),
      ...(options.seccompCache ? { seccompCache: options.seccompCache } : {}),
    });
    child = kernel.spawn(plan.program, {
      cloneFlags: plan.cloneFlags,
      helperFd: execHelperFd(kernel),
      ...(placement.cloneInto !== undefined ? { cgroupFd: placement.cloneInto } : {}),
    });
    for (const fd of opened.splice(0)) kernel.close(fd);
    init = await plan.namespaces.afterSpawn(child, kernel);
    const owner = ownerOf(init.pid);
    if (owner) await store.update(id, (r) => ({ ...r, init: owner }));
    await untilCreated(child);
    if (!owner) throw new Error(`the init (pid ${init.pid}) is gone`);
    await store.update(id, (r) => ({ ...r, status: 'created' }));
    if (options.pidFile !== undefined) writePidFile(options.pidFile, init.pid);
  } catch (e) {
    for (const fd of opened) kernel.close(fd);
    child?.kill('SIGKILL');
    init?.kill('SIGKILL');
    await Promise.all([child?.exited, init?.exited]);
    await cgroup.destroy().catch(() => undefined);
    await store.remove(id).catch(() => undefined);
    throw plan ? startError(e, [plan.execOp, ...(plan.lookOp !== undefined ? [plan.lookOp] : [])], plan.command) : e;
  }
  if (!options.watch) {
    child.forget();
    init.forget();
  }
  return { id, pid: init.pid, ...(options.watch ? { process: init } : {}) };
}

/**
 * Until the init NOTIFYs that it waits on its exec fifo. A failing op ends
 * the child first: `started` rejects with the op's error, which wins over
 * the closed sync socket.
 */
async function untilCreated(child: SpawnedChild): Promise<void> {
  for (;;) {
    let note: Awaited<ReturnType<SpawnedChild['nextNotification']>>;
    try {
      note = await Promise.race([
        child.nextNotification(),
        child.started.then(() => {
          throw new Error('the container exec-ed before it was created');
        }),
      ]);
    } catch (e) {
      await child.started;
      throw e;
    }
    if (note.label === CREATED_LABEL) return;
  }
}
