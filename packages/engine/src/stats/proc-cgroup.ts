import type { CgroupLayout } from '@gc/cgroups';

/**
 * The cgroup a process is in, from its `/proc/PID/cgroup`, as a path inside
 * the hierarchies (`/gocontainer/<id>`): the cgroup2 line (`0::/...`) on a v2
 * host; on a v1 or hybrid one the memory hierarchy's line, where the
 * container's limit and usage are (the runtime puts a container at the same
 * path in every hierarchy). undefined when the text has no such line.
 */
export function cgroupPathOf(procCgroup: string, layout: Pick<CgroupLayout, 'mode'>): string | undefined {
  let firstV1: string | undefined;
  for (const line of procCgroup.split('\n')) {
    // hierarchy-ID:controller-list:path; the path may hold colons.
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (layout.mode === 'v2') {
      if (line.startsWith('0::')) return path;
      continue;
    }
    if (controllers === '' || controllers.startsWith('name=')) continue;
    if (controllers.split(',').includes('memory')) return path;
    firstV1 ??= path;
  }
  return firstV1;
}
