import { type CgroupManager, createCgroupManager } from '@gc/cgroups';
import {
  CLONE_PARENT,
  createKernel,
  type ExitStatus,
  type Kernel,
  type ProcessHandle,
  shellExitCode,
} from '@gc/syscall';
import { newContainerId } from './container-id.js';
import { execHelperFd, initBinaryFd } from './init-binary.js';
import { type ContainerPlan, type PlanOptions, planContainer } from './plan-container.js';
import type { RunDir } from './run-dir.js';
import type { Spec } from './spec.js';
import { startError } from './start-error.js';

export interface RunOptions extends Omit<PlanOptions, 'initFd' | 'cgroup'> {
  /** Put gc-init in front of the command (as `docker run --init`). */
  init?: boolean;
  /** The cgroup the container's cgroup is made under when the spec has no cgroupsPath (`--cgroup-parent`). */
  cgroupParent?: string;
  /**
   * The container's run directory (`createRunDir`): its owner record gets the
   * cgroup's path before the cgroup is made, so that a sweep after a crash of
   * this process removes the cgroup too (`sweepRunDirs`).
   */
  runDir?: Pick<RunDir, 'recordCgroup'>;
  /**
   * The container's init becomes a child of this process's parent
   * (CLONE_PARENT), not of this process: a detached container's monitor,
   * a child subreaper, runs this process only to start the container, and
   * reaps the init itself, whenever it exits. Give `parentDeathSignal: false`
   * with it; `exited` then tells nothing of the init.
   */
  adoptedByParent?: boolean;
  kernel?: Kernel;
}

export interface ContainerExit {
  status: ExitStatus;
  /** The exit code a shell reports: the code, or 128 + the signal number. */
  exitCode: number;
  /** The kernel's OOM killer ended a process of the container. */
  oomKilled: boolean;
  /** The container's memory limit in bytes, if it had one. */
  memoryLimit: number | undefined;
}

/** A container whose process runs. */
export interface RunningContainer {
  /** The container's PID 1, as the host sees it. */
  readonly pid: number;
  /** Its cgroup, until it exited. */
  readonly cgroup: CgroupManager;
  /** Resolves when PID 1 exited and the cgroup is gone; the namespaces and mounts died with it. */
  readonly exited: Promise<ContainerExit>;
  kill(signal?: NodeJS.Signals | number): void;
  /**
   * Stop watching its init (one adopted by the parent, `adoptedByParent`):
   * `exited` never settles, and no read of the reaper's events stays in
   * flight, which would hold process.exit in libuv's join of its pool.
   */
  forget(): void;
}

/**
 * Start a container from an OCI spec and return once its command runs. Its
 * cgroup is made and limited first, and the child is placed in it before it
 * runs anything of the container. A failure before the exec is a
 * ContainerStartError with the exit code a shell user expects (127 not
 * found, 126 not executable, 125 setup), and leaves nothing behind: no
 * process, no cgroup; mounts lived in the container's own mount namespace.
 */
export async function startContainer(spec: Spec, opts: RunOptions = {}): Promise<RunningContainer> {
  const kernel = opts.kernel ?? createKernel();
  const id = opts.containerId ?? newContainerId();
  const cgroup = createCgroupManager({
    id,
    ...(spec.linux?.cgroupsPath ? { cgroupsPath: spec.linux.cgroupsPath } : {}),
    ...(opts.cgroupParent ? { parent: opts.cgroupParent } : {}),
    kernel,
  });
  let plan: ContainerPlan | undefined;
  let child: ReturnType<Kernel['spawn']> | undefined;
  let process: ProcessHandle | undefined;
  try {
    // The cgroup first: the plan takes its fds (CLONE_INTO_CGROUP, and the
    // v1 tasks files the child writes to move itself).
    opts.runDir?.recordCgroup(cgroup);
    cgroup.create();
    if (spec.linux?.resources) cgroup.apply(spec.linux.resources);
    const placement = cgroup.openPlacement();
    try {
      plan = planContainer(spec, {
        ...opts,
        containerId: id,
        cgroup: placement,
        ...(opts.init ? { initFd: initBinaryFd(kernel) } : {}),
      });
      // Run by the static gc-exec, without a copy of this process (see SpawnOptions.executor).
      child = kernel.spawn(plan.program, {
        cloneFlags: opts.adoptedByParent ? plan.cloneFlags | BigInt(CLONE_PARENT) : plan.cloneFlags,
        executor: execHelperFd(kernel),
        ...(placement.cloneInto !== undefined ? { cgroupFd: placement.cloneInto } : {}),
      });
    } finally {
      if (placement.cloneInto !== undefined) kernel.close(placement.cloneInto);
      for (const { fd } of placement.selfMove) kernel.close(fd);
    }
    process = await plan.namespaces.afterSpawn(child, kernel);
    await child.started;
  } catch (e) {
    child?.kill('SIGKILL');
    process?.kill('SIGKILL');
    await Promise.all([child?.exited, process?.exited]);
    await cgroup.destroy();
    throw plan ? startError(e, [plan.execOp], plan.command) : e;
  }
  const pid1 = process;
  return {
    pid: pid1.pid,
    cgroup,
    exited: pid1.exited.then(async (status) => {
      let oomKilled = false;
      let memoryLimit: number | undefined;
      try {
        oomKilled = cgroup.oomKilled();
        memoryLimit = cgroup.stats(['memory']).memory?.limit;
      } finally {
        await cgroup.destroy();
      }
      return { status, exitCode: shellExitCode(status), oomKilled, memoryLimit };
    }),
    kill: (signal) => pid1.kill(signal),
    forget: () => {
      pid1.forget();
      if (child !== pid1) child?.forget();
    },
  };
}
