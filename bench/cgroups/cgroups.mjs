// bench/cgroups: cost of one container's cgroup: create + limit (memory, cpu,
// pids) + join a real short-lived process + destroy, per cycle, on this host's
// driver (hybrid v1 on the development machines). Needs root.
//
//   node bench/cgroups/cgroups.mjs [--count N]
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createCgroupManager } from '@gc/cgroups';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100' } } });
const count = Number(values.count);
const parent = `/gc-bench-${process.pid}`;
const resources = {
  memory: { limit: 64 * 1024 * 1024 },
  cpu: { shares: 512, quota: 50_000, period: 100_000 },
  pids: { limit: 64 },
};

/** A busybox shell held at `read`: it runs (and exits) once released. */
function held() {
  const child = spawn('/bin/busybox', ['sh', '-c', 'read _'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { pid: child.pid, release: () => child.stdin.end('\n'), exited };
}

const setupMs = [];
const destroyMs = [];
let driver = '';
for (let i = 0; i < count + 5; i++) {
  const proc = held();
  const t0 = performance.now();
  const cgroup = createCgroupManager({ id: `c${i}`, parent });
  driver = cgroup.driver;
  cgroup.create();
  cgroup.apply(resources);
  await cgroup.join(proc.pid);
  const t1 = performance.now();
  proc.release();
  await proc.exited;
  const t2 = performance.now();
  await cgroup.destroy();
  const t3 = performance.now();
  // The first cycles warm up the JIT and create the parent.
  if (i >= 5) {
    setupMs.push(t1 - t0);
    destroyMs.push(t3 - t2);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const total = setupMs.map((s, i) => s + (destroyMs[i] ?? 0));
console.log(`cgroups (${driver}): ${count} cycles of create + limit + join + destroy`);
console.log(`  per cycle: ${mean(total).toFixed(3)} ms mean, ${median(total).toFixed(3)} ms median`);
console.log(
  `  create + limit + join: ${median(setupMs).toFixed(3)} ms median; destroy: ${median(destroyMs).toFixed(3)} ms median`,
);
