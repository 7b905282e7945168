/**
 * The cgroup a process is in, from its `/proc/PID/cgroup`, as a path inside
 * the hierarchies (`/gocontainer/<id>`): on a v1 or hybrid host the memory
 * hierarchy's line, where the container's limit and usage are (the runtime
 * puts a container at the same path in every hierarchy), else the first v1
 * controller's; on a v2 host (no v1 controller lines) the cgroup2 line
 * (`0::/...`). undefined when the text has none of them.
 */
export function cgroupPathOf(procCgroup: string): string | undefined {
  let firstV1: string | undefined;
  let unified: string | undefined;
  for (const line of procCgroup.split('\n')) {
    // hierarchy-ID:controller-list:path; the path may hold colons.
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const controllers = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (line.startsWith('0::')) unified = path;
    else if (controllers === '' || controllers.startsWith('name=')) continue;
    else if (controllers.split(',').includes('memory')) return path;
    else firstV1 ??= path;
  }
  return firstV1 ?? unified;
}
