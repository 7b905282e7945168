import { createStateStore, RUN_ROOT, type RuntimeContext } from '@gc/runtime';
import { createKernel } from '@gc/syscall';
import type { GlobalOptions } from './global-options.js';

/** The kernel and the state store under `--root` (default /run/gocontainer), for the OCI commands. */
export function runtimeContext(global: GlobalOptions): RuntimeContext {
  const kernel = createKernel();
  return { kernel, store: createStateStore({ kernel, root: global.root ?? RUN_ROOT }) };
}
