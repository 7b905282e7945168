import type { LinuxResources } from '@gc/cgroups';
import type { FilterCache } from '@gc/seccomp';
import { createKernel, type ExitStatus, type Kernel, type ProcessHandle, shellExitCode } from '@gc/syscall';
import { ContainerNotExistError } from './errors.js';
import type { HookError } from './hooks/hook-error.js';
import type { RuntimeContext } from './operations/context.js';
import { type CreateOptions, createContainer } from './operations/create.js';
import { type DeleteOptions, deleteContainer } from './operations/delete.js';
import { type ExecOptions, type ExecProcess, execProcess } from './operations/exec.js';
import { cgroupFrozen } from './operations/frozen.js';
import { type KillOptions, killContainer } from './operations/kill.js';
import { pauseContainer } from './operations/pause.js';
import { containerProcesses } from './operations/ps.js';
import { resumeContainer } from './operations/resume.js';
import { startCreatedContainer } from './operations/start.js';
import { containerState } from './operations/state.js';
import { containerStats } from './operations/stats.js';
import { updateContainer } from './operations/update.js';
import { ownerIsAlive } from './process-owner.js';
import { RUN_ROOT } from './run-dir.js';
import type { RuncStats } from './runc-stats.js';
import type { Process } from './spec.js';
import type { OciState } from './state/oci-state.js';
import type { ContainerRecord } from './state/record.js';
import { createStateStore } from './state/store.js';

export interface RuntimeOptions {
  /** The state directory, shared with the CLI's `--root` (default /run/gocontainer). */
  root?: string;
  kernel?: Kernel;
  /** Compiled seccomp filters to reuse across containers (`createFileFilterCache`). */
  seccompCache?: FilterCache;
}

/** How a container's init ended, as `wait` reports it. */
export interface ContainerWait {
  /** Its exit status; undefined for a container this runtime did not create (its parent reaped it). */
  readonly status?: ExitStatus;
  /** The code a shell reports (128 + signal for a signal); undefined with `status`. */
  readonly exitCode?: number;
}

/**
 * The OCI runtime for a long-running Node process: create, start, state,
 * kill, wait, exec and delete containers without spawning the CLI, in the
 * same state store as `gocontainer --root` (a container created here can be
 * listed, killed or deleted by the CLI, and the other way round). A
 * container created here is this process's child: its exit status is
 * reaped here (`wait`), and no thread or timer per container is used.
 */
export interface Runtime {
  readonly root: string;
  readonly context: RuntimeContext;
  /** Create a container from a bundle (`CreateOptions.bundle`); it waits for `start`. */
  create(id: string, options: Omit<CreateOptions, 'watch'>): Promise<OciState>;
  /** Start a created container; resolves with the poststart hooks that failed (warnings). */
  start(id: string): Promise<HookError[]>;
  state(id: string): OciState;
  /** Every container of the store. */
  list(): OciState[];
  kill(id: string, signal?: NodeJS.Signals | number, options?: KillOptions): Promise<void>;
  /** Resolves once the container's init exited. */
  wait(id: string): Promise<ContainerWait>;
  /** Run a process in a created or running container; it is watched and reaped here. */
  exec(id: string, process: Process, options?: Omit<ExecOptions, 'detach'>): Promise<ExecProcess>;
  /** Delete a stopped or created container (`force`: any); resolves with the poststop hooks that failed. */
  delete(id: string, options?: DeleteOptions): Promise<HookError[]>;
  /** Freeze every process of the container (its cgroup's freezer). */
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Change its limits (OCI `linux.resources`, only the fields to change). */
  update(id: string, resources: LinuxResources): Promise<void>;
  /** The pids of its cgroup, the init first. */
  processes(id: string): number[];
  /** What it used, in runc's stats shape. */
  stats(id: string): RuncStats;
}

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const kernel = options.kernel ?? createKernel();
  const root = options.root ?? RUN_ROOT;
  const store = createStateStore({ kernel, root, frozen: cgroupFrozen(kernel) });
  const context: RuntimeContext = { kernel, store };
  /** The inits this runtime created, by container id, until deleted. */
  const inits = new Map<string, ProcessHandle>();
  const exists = (id: string) => {
    try {
      store.load(id);
      return true;
    } catch (e) {
      // A record that does not parse is still a container's.
      return !(e instanceof ContainerNotExistError);
    }
  };
  const cache = options.seccompCache ? { seccompCache: options.seccompCache } : {};
  return {
    root,
    context,
    async create(id, createOptions) {
      const created = await createContainer(context, id, { ...cache, ...createOptions, watch: true });
      const init = created.process as ProcessHandle;
      // Kept until delete: a wait after the exit still gets the status.
      inits.set(id, init);
      return containerState(context, id);
    },
    start: (id) => startCreatedContainer(context, id),
    state: (id) => containerState(context, id),
    list: () => store.list().map(({ record }) => containerState(context, record.id)),
    kill: (id, signal, killOptions) => killContainer(context, id, signal, killOptions),
    async wait(id) {
      let record: ContainerRecord;
      try {
        ({ record } = store.load(id));
      } catch (e) {
        // Deleted elsewhere (the CLI): the init this runtime knew is no more of use.
        if (e instanceof ContainerNotExistError) inits.delete(id);
        throw e;
      }
      const init = inits.get(id);
      // The same container still (not one of the same id made since by another process).
      if (init && record.init?.pid === init.pid) {
        const status = await init.exited;
        return { status, exitCode: shellExitCode(status) };
      }
      // Not our child: poll until the init is gone (or a zombie of its parent).
      while (record.init && ownerIsAlive(record.init)) await new Promise((r) => setTimeout(r, 20));
      return {};
    },
    exec: (id, process, execOptions = {}) => execProcess(context, id, process, { ...cache, ...execOptions }),
    async delete(id, deleteOptions) {
      try {
        return await deleteContainer(context, id, deleteOptions);
      } finally {
        // Gone, by this delete or another's: its init's entry goes too.
        if (!exists(id)) inits.delete(id);
      }
    },
    pause: async (id) => {
      await pauseContainer(context, id);
    },
    resume: async (id) => {
      await resumeContainer(context, id);
    },
    update: async (id, resources) => {
      await updateContainer(context, id, resources);
    },
    processes: (id) => containerProcesses(context, id),
    stats: (id) => containerStats(context, id),
  };
}
