import { cgroupFrozen, createStateStore, RUN_ROOT, type RuntimeContext } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import type { GlobalOptions } from './global-options.js';
import { UsageError } from './usage-error.js';

/**
 * What runc's commands work with: the kernel and the state store under
 * `--root`, whose live status sees a freeze made outside gocontainer.
 */
export function openRuntime(global: GlobalOptions): RuntimeContext {
  const kernel = createKernel();
  const store = createStateStore({ kernel, root: global.root ?? RUN_ROOT, frozen: cgroupFrozen(kernel) });
  return { kernel, store };
}

/** The one container id a runc command takes (`pause ID`): a usage error (exit 1) without it or with more. */
export function containerIdArgument(command: string, rest: readonly string[], more = false): string {
  const [id, ...extra] = rest;
  if (id === undefined) throw new UsageError(`${command}: missing the container id (gocontainer ${command} ID)`, 1);
  if (!more && extra.length > 0) {
    throw new UsageError(`${command}: takes one container id, got also ${JSON.stringify(extra[0])}`, 1);
  }
  return id;
}
