import type { CgroupDir } from '../cgroup-dir.js';
import { invalid, unsupported } from '../errors.js';
import type { LinuxResources } from '../resources.js';

const F = 'linux.resources.unified';

/**
 * OCI `unified`: cgroup v2 file -> value, written as given after every typed
 * setting (so it wins, as in runc). The key must be a file of this cgroup,
 * of an enabled controller; `enabled` lists them.
 */
export function applyUnified(dir: CgroupDir, r: LinuxResources, enabled: ReadonlySet<string>, where: string): void {
  for (const [key, value] of Object.entries(r.unified ?? {})) {
    const field = `${F}["${key}"]`;
    if (!/^[a-z0-9_]+\.[a-z0-9_.]+$/.test(key))
      throw invalid(field, 'a cgroup v2 file name such as "memory.high"', key);
    if (typeof value !== 'string') throw invalid(field, 'a string value', value);
    const controller = key.slice(0, key.indexOf('.'));
    if (controller !== 'cgroup' && !enabled.has(controller)) {
      throw unsupported(field, `the ${controller} controller is not available ${where}`);
    }
    if (!dir.has(key)) throw unsupported(field, `no ${key} in ${dir.path}`);
    dir.write(key, value, field);
  }
}
