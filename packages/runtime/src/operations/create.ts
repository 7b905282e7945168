import { join } from 'node:path';
import { createCgroupManager } from '@gc/cgroups';
import type { FilterCache } from '@gc/seccomp';
import { GcError, type ProcessHandle, type SpawnedChild } from '@gc/syscall';
import { bundleOf, readBundle } from '../bundle.js';
import { hostRootIds, makeExecFifo } from '../exec-fifo.js';
import { execHelperFd } from '../init-binary.js';
import { writePidFile } from '../pid-file.js';
import { type ContainerPlan, CREATED_LABEL, planContainer } from '../plan-container.js';
import { ownerOf } from '../process-owner.js';
import { runcDeviceRules } from '../runc-devices.js';
import type { Spec } from '../spec.js';
import { startError } from '../start-error.js';
import { OCI_VERSION, type OciState } from '../state/oci-state.js';
import { validateContainerId } from '../state/validate-id.js';
import type { RuntimeContext } from './context.js';
import { CreateHooks } from './create-hooks.js';
import { untilNotified } from './until-notified.js';

export interface CreateOptions {
  /** The bundle directory (holding config.json); default the current directory, as runc. */
  bundle?: string;
  /**
   * The config, instead of reading BUNDLE/config.json (a server that makes
   * many containers of one config); validated all the same.
   */
  config?: Spec;
  /** Write the init's pid here (`--pid-file`), atomically. */
  pidFile?: string;
  /**
   * Where the pty master goes, with `process.terminal`: a unix socket path
   * to connect to (`--console-socket`), or a connected socket fd of this
   * process (kept open by the caller).
   */
  consoleSocket?: string | number;
  /** chroot instead of pivot_root (`--no-pivot`). */
  noPivot?: boolean;
  /** Keep the caller's session keyring (`--no-new-keyring`). */
  noNewKeyring?: boolean;
  /**
   * The container's fds: fd N in it is `stdio[N]` here (default 0, 1, 2:
   * the caller's, untouched). runc's `--preserve-fds N` is 0 .. 3+N-1 (the
   * CLI checks they are fds its caller passed, not Node's own).
   */
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
  const bundle =
    options.config === undefined
      ? readBundle(options.bundle ?? process.cwd())
      : bundleOf(options.bundle ?? process.cwd(), options.config);
  const { spec } = bundle;
  const fds = options.stdio ?? [0, 1, 2];
  // Resolved (and a bad cgroupsPath refused) before anything is made; nothing is made yet.
  const cgroup = createCgroupManager({
    id,
    ...(spec.linux?.cgroupsPath ? { cgroupsPath: spec.linux.cgroupsPath } : {}),
    kernel,
  });

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
  let child: SpawnedChild | undefined;
  let init: ProcessHandle | undefined;
  let plan: ContainerPlan | undefined;
  const opened: number[] = [];
  const hooks = new CreateHooks(spec.hooks, kernel);
  let ownsCgroup = false;
  try {
    // As runc 1.2: a cgroup that holds processes already is another's (a
    // later kill --all or delete would act on them).
    const found = cgroup.pids().length;
    if (found > 0) {
      throw new GcError('ECGROUPBUSY', `container's cgroup ${cgroup.path} is not empty: ${found} process(es) found`);
    }
    ownsCgroup = true;
    // Recorded before it is made: a delete after a crash of this process removes it.
    await store.update(id, (r) => ({ ...r, cgroup: cgroup.path }));
    cgroup.create();
    // runc's device rules: the config's, then what every container's /dev needs.
    cgroup.apply({ ...spec.linux?.resources, devices: runcDeviceRules(spec) });
    const placement = cgroup.openPlacement();
    if (placement.cloneInto !== undefined) opened.push(placement.cloneInto);
    for (const { fd } of placement.selfMove) opened.push(fd);
    const fifo = makeExecFifo(kernel, join(stateDir, 'exec.fifo'), hostRootIds(spec));
    opened.push(fifo);
    let consoleSocket: number | undefined;
    if (typeof options.consoleSocket === 'string') {
      consoleSocket = kernel.connectUnix(options.consoleSocket);
      opened.push(consoleSocket);
    } else {
      consoleSocket = options.consoleSocket;
    }
    const execHelper = execHelperFd(kernel);
    plan = planContainer(spec, {
      containerId: id,
      cgroup: placement,
      stdio: fds,
      parentDeathSignal: false,
      execFifo: fifo,
      execHelper,
      ...(consoleSocket !== undefined ? { consoleSocket } : {}),
      ...(options.noPivot ? { noPivot: true } : {}),
      ...(options.noNewKeyring ? { noNewKeyring: true } : {}),
      ...(options.seccompCache ? { seccompCache: options.seccompCache } : {}),
      beforePivot: (p) => hooks.beforePivot(p),
      beforeExec: (p) => hooks.beforeExec(p),
    });
    // Straight into gc-exec, without a copy of this process (but with a new
    // user namespace: then the REEXEC op moves it there once its ids are mapped).
    child = kernel.spawn(plan.program, {
      cloneFlags: plan.cloneFlags,
      executor: execHelper,
      ...(placement.cloneInto !== undefined ? { cgroupFd: placement.cloneInto } : {}),
    });
    for (const fd of opened.splice(0)) kernel.close(fd);
    init = await plan.namespaces.afterSpawn(child, kernel);
    const owner = ownerOf(init.pid);
    if (owner) await store.update(id, (r) => ({ ...r, init: owner }));
    const state: OciState = {
      ociVersion: OCI_VERSION,
      id,
      status: 'creating',
      pid: init.pid,
      bundle: bundle.path,
      ...(spec.annotations && Object.keys(spec.annotations).length > 0 ? { annotations: spec.annotations } : {}),
    };
    await hooks.run(child, state, bundle.path);
    await untilNotified(child, CREATED_LABEL);
    if (!owner) throw new GcError('ECREATE', `the container's init (pid ${init.pid}) exited while it was created`);
    await store.update(id, (r) => ({ ...r, status: 'created' }));
    if (options.pidFile !== undefined) writePidFile(options.pidFile, init.pid);
  } catch (e) {
    for (const fd of opened) kernel.close(fd);
    child?.kill('SIGKILL');
    init?.kill('SIGKILL');
    await Promise.all([child?.exited, init?.exited]);
    if (ownsCgroup) await cgroup.destroy().catch(() => undefined);
    await store.remove(id).catch(() => undefined);
    const hookError = hooks.error(e);
    if (hookError) throw hookError;
    throw plan ? startError(e, [plan.execOp, ...(plan.lookOp !== undefined ? [plan.lookOp] : [])], plan.command) : e;
  } finally {
    hooks.close();
  }
  if (!options.watch) {
    child.forget();
    init.forget();
  }
  return { id, pid: init.pid, ...(options.watch ? { process: init } : {}) };
}
