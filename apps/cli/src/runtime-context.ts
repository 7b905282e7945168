import { cgroupFrozen, createStateStore, RUN_ROOT, type RuntimeContext } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import type { GlobalOptions } from './global-options.js';

/**
 * The kernel and the state store under `--root` (default /run/gocontainer),
 * for the OCI commands; the live status sees a freeze or thaw made outside
 * gocontainer (`cgroupFrozen`).
 */
export function runtimeContext(global: GlobalOptions): RuntimeContext {
  const kernel = createKernel();
  return { kernel, store: createStateStore({ kernel, root: global.root ?? RUN_ROOT, frozen: cgroupFrozen(kernel) }) };
}
