import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_ROOT, RUN_ROOT } from '@gc/runtime';
import type { ChoiceProbes } from './command-choice.js';
import type { GlobalOptions } from './global-options.js';

/**
 * The choice's probes for dist/lifecycle.cjs, without the engine's code: an
 * OCI container is looked for exactly; "an engine container" is any
 * container in the engine's store at all. A `docker` answer hands the line
 * to the main bundle, which asks again exactly (choice-probes.ts).
 */
export function lifecycleProbes(global: GlobalOptions): ChoiceProbes {
  return {
    ociContainer: (id) => !id.includes('/') && existsSync(join(global.root ?? RUN_ROOT, id, 'state.json')),
    engineContainer() {
      try {
        return readdirSync(join(global.dataRoot ?? DATA_ROOT, 'engine', 'containers')).some((n) =>
          /^[0-9a-f]{64}$/.test(n),
        );
      } catch {
        return false;
      }
    },
  };
}
