import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createContainerStore } from '@gc/engine';
import { RUN_ROOT } from '@gc/runtime';
import type { ChoiceProbes } from './command-choice.js';
import type { GlobalOptions } from './global-options.js';

/** The choice's probes, exactly: the runtime root's state files, the engine store's names and IDs. */
export function choiceProbes(global: GlobalOptions): ChoiceProbes {
  return {
    ociContainer: (id) => !id.includes('/') && existsSync(join(global.root ?? RUN_ROOT, id, 'state.json')),
    engineContainer(ref) {
      try {
        return createContainerStore(global.dataRoot ? { dataRoot: global.dataRoot } : {}).tryFind(ref) !== undefined;
      } catch {
        // An ambiguous prefix: Docker's command says which containers it could mean.
        return true;
      }
    },
  };
}
