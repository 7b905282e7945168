import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerStore } from '../store/container-store.js';

/**
 * The bytes a container wrote (`docker ps -s`'s first figure): the sizes
 * of everything but directories in its own upper layer, a file with several
 * links counted once, as Docker sums a writable layer. 0 for a container
 * without one (its root a `--rootfs` directory).
 */
export function writableLayerSize(store: ContainerStore, id: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(path, { bigint: false });
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        walk(path);
        continue;
      }
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  walk(join(store.dir(id), 'upper'));
  return total;
}
