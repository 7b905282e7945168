import type { Kernel, ProgramScope, SpawnedChild } from '@gc/syscall';
import type { HookError } from '../hooks/hook-error.js';
import { type ContainerHooksPlan, planContainerHooks } from '../hooks/plan-container-hooks.js';
import { runHooks } from '../hooks/run-hooks.js';
import type { Hooks } from '../spec.js';
import type { OciState } from '../state/oci-state.js';
import { untilNotified } from './until-notified.js';

const HOST_HOOKS_LABEL = 'run the prestart and createRuntime hooks';

/**
 * The hooks of a create, in runc's order: the prestart and createRuntime
 * hooks run here, in the runtime's namespaces, at a NOTIFY/WAIT of the
 * init's once its mounts are made; then the createContainer hooks in the
 * container's mount namespace, all before pivot_root; the startContainer
 * hooks after the exec fifo, just before the exec (they see the container
 * `created`, as runc's do).
 */
export class CreateHooks {
  readonly #hooks: Hooks;
  readonly #kernel: Kernel;
  readonly #plans: ContainerHooksPlan[] = [];
  readonly #host: boolean;

  constructor(hooks: Hooks | undefined, kernel: Kernel) {
    this.#hooks = hooks ?? {};
    this.#kernel = kernel;
    this.#host = (this.#hooks.prestart?.length ?? 0) + (this.#hooks.createRuntime?.length ?? 0) > 0;
  }

  /** PlanOptions.beforePivot. */
  beforePivot(p: ProgramScope): void {
    if (this.#host) {
      p.notify(0, HOST_HOOKS_LABEL);
      p.wait('wait for the prestart and createRuntime hooks');
    }
    const hooks = this.#hooks.createContainer;
    if (hooks?.length) this.#plans.push(planContainerHooks(p, 'createContainer', hooks, { kernel: this.#kernel }));
  }

  /** PlanOptions.beforeExec. */
  beforeExec(p: ProgramScope): void {
    const hooks = this.#hooks.startContainer;
    if (hooks?.length) this.#plans.push(planContainerHooks(p, 'startContainer', hooks, { kernel: this.#kernel }));
  }

  /** Once spawned: the state to the container's hooks, then the host's at the init's NOTIFY, then release it. */
  async run(child: SpawnedChild, state: OciState, cwd: string): Promise<void> {
    for (const h of this.#plans) h.sendState(h.kind === 'startContainer' ? { ...state, status: 'created' } : state);
    if (!this.#host) return;
    await untilNotified(child, HOST_HOOKS_LABEL);
    await runHooks('prestart', this.#hooks.prestart, state, { cwd });
    await runHooks('createRuntime', this.#hooks.createRuntime, state, { cwd });
    child.release();
  }

  /** The HookError of a failed container hook (with its output), if `e` is one. */
  error(e: unknown): HookError | undefined {
    return this.#plans.map((h) => h.hookError(e)).find((h) => h !== undefined);
  }

  close(): void {
    for (const h of this.#plans) h.close();
  }
}
