import { createContainerStore, type EngineContext } from '@gc/engine';
import type { GlobalOptions } from './global-options.js';

/** The engine's containers under `--data-root`, their run directories under `--root`. */
export function engineContext(global: GlobalOptions): EngineContext {
  return {
    store: createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {}),
    ...(global.root ? { runRoot: global.root } : {}),
  };
}
